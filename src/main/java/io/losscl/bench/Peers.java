package io.losscl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the peers as subprocesses on the same case description: PyTorch CPU ({@code bench/pytorch_peer.py}
 * on /usr/bin/python3, with and without glibc told to keep freed memory) and DJL's PyTorch engine
 * ({@code bench/djl}, when built). Each prints {@code {"peer":..., "results":[{"id","pass","ms":[...]}]}}.
 */
final class Peers {
    /** glibc settings that stop malloc from returning memory to the OS (no fresh page faults per call). */
    static final String TUNED_MALLOC = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184";

    /** One peer run's timings: column label, and "id|pass" -> stats. */
    static final class Run {
        final String label;
        final String note;
        final Map<String, Stats> times;
        /** "id|pass" -> the peer's peak extra memory of one call, where it measured one. */
        final Map<String, Long> peakExtraBytes = new java.util.LinkedHashMap<>();

        Run(String label, String note, Map<String, Stats> times) {
            this.label = label;
            this.note = note;
            this.times = times;
        }
    }

    private Peers() {}

    /** All peers available here; a line on {@code log} for each one skipped and why. */
    static List<Run> runAll(Path spec, Path home, int threads, String device, java.io.PrintStream log) {
        List<Run> runs = new ArrayList<>();
        Path script = home.resolve("bench/pytorch_peer.py");
        // Debian's python3-torch by default; LOSSCL_PYTHON names another interpreter (e.g. on a GPU machine).
        String pythonPath = System.getenv().getOrDefault("LOSSCL_PYTHON", "/usr/bin/python3");
        File python = new File(pythonPath);
        if (!Files.isRegularFile(script)) {
            log.println("bench: PyTorch peer skipped: " + script + " not found");
        } else if (!python.canExecute()) {
            log.println("bench: PyTorch peer skipped: " + pythonPath + " not found (apt-get install python3-torch, or set LOSSCL_PYTHON)");
        } else {
            for (boolean tuned : new boolean[] {false, true}) {
                List<String> cmd = List.of(python.getPath(), script.toString(), spec.toString());
                Run r = run(tuned ? "PyTorch (tuned malloc)" : "PyTorch", cmd, tuned, threads, log);
                if (r != null) runs.add(r);
            }
        }
        Path djl = home.resolve("bench/djl/target");
        if (!device.equals("cpu")) {
            log.println("bench: DJL peer skipped: its build here is CPU-only (peer device " + device + ")");
        } else if (!Files.isDirectory(djl.resolve("classes")) || !Files.isDirectory(djl.resolve("lib"))) {
            log.println("bench: DJL peer skipped: not built (build it with: cd bench/djl && mvn -q -B package)");
        } else {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = djl.resolve("classes") + File.pathSeparator + djl.resolve("lib") + File.separator + "*";
            List<String> cmd = List.of(java, "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + threads,
                    "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx8g", "-cp", cp, "io.losscl.bench.djl.DjlPeer", spec.toString());
            Run r = run("DJL (tuned malloc)", cmd, true, threads, log);
            if (r != null) runs.add(r);
        }
        return runs;
    }

    private static Run run(String label, List<String> cmd, boolean tuned, int threads, java.io.PrintStream log) {
        log.println("bench: running peer " + label + " ...");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        if (tuned) env.put("GLIBC_TUNABLES", TUNED_MALLOC); else env.remove("GLIBC_TUNABLES");
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            int rc = p.waitFor();
            if (rc != 0) {
                log.println("bench: peer " + label + " failed (exit " + rc + "); its column is left empty");
                return null;
            }
            JsonNode root = new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
            Map<String, Stats> times = new java.util.LinkedHashMap<>();
            Map<String, Long> peaks = new java.util.LinkedHashMap<>();
            for (JsonNode r : root.path("results")) {
                double[] ms = new double[r.path("ms").size()];
                for (int k = 0; k < ms.length; k++) ms[k] = r.path("ms").get(k).asDouble();
                if (ms.length > 0) times.put(r.path("id").asText() + "|" + r.path("pass").asText(), new Stats(ms));
                if (r.has("peak_extra_bytes")) peaks.put(r.path("id").asText() + "|" + r.path("pass").asText(), r.path("peak_extra_bytes").asLong());
            }
            for (JsonNode s : root.path("skipped")) log.println("bench: " + label + ": " + s.path("id").asText() + ": " + s.path("reason").asText());
            String note = root.path("peer").asText(label) + " " + root.path("version").asText("") + ", threads "
                    + root.path("threads").asText("?") + ", device " + root.path("device").asText("cpu")
                    + ", GLIBC_TUNABLES=" + (tuned ? TUNED_MALLOC : "(unset)");
            Run run = new Run(label, note, times);
            run.peakExtraBytes.putAll(peaks);
            return run;
        } catch (IOException e) {
            log.println("bench: peer " + label + " could not run: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
