package io.losscl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.BackendKind;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossEngine;
import io.losscl.LossEntry;
import io.losscl.LossInputs;
import io.losscl.LossRegistry;
import io.losscl.LossResult;
import io.losscl.LossclException;
import io.losscl.Options;
import io.losscl.Tensor;
import io.losscl.opencl.DeviceBuffer;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import io.losscl.opencl.OpenClContext;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code losscl bench}: times the fixed suite ({@link BenchSuite}) on the OpenCL device in two modes —
 * device-resident (inputs already on the device, only the scalar comes back) and host round trip
 * (float[] in, loss and gradient float[] out) — next to the copy-only time of that round trip, the
 * machine's measured bandwidths, and optionally the peers ({@link Peers}) on the same cases.
 */
public final class BenchCommand {
    public static final String USAGE = "bench [--suite cpu|gpu|small|linear-ce] [--filter REGEX] [--repeats N] [--warmup N] [--json FILE] [--peers] [--peer-device cpu|cuda] [--java] [--chart FILE.svg [--from BENCH.json]]";
    private static final String[] PASSES = {"fwd", "fwd+bwd"};
    static final int THREADS = 2;

    private BenchCommand() {}

    /** One measured row. */
    private static final class Row {
        final BenchCase c;
        final String pass;
        Stats device;
        Stats host;
        Stats copy;
        Stats java;
        long bytes;
        long copyBytes;
        Long peakExtraBytes;
        String skipped;

        Row(BenchCase c, String pass) {
            this.c = c;
            this.pass = pass;
        }

        String key() { return c.id + "|" + pass; }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String filter = null, json = null, suite = "cpu", peerDevice = null, chart = null, chartFrom = null;
        int repeats = 10, warmup = 3;
        boolean peers = false, javaToo = false, repeatsGiven = false, warmupGiven = false;
        try {
            for (int k = 0; k < args.length; k++) {
                switch (args[k]) {
                    case "--suite": suite = args[++k]; break;
                    case "--filter": filter = args[++k]; break;
                    case "--peer-device": peerDevice = args[++k]; break;
                    case "--repeats": repeats = Integer.parseInt(args[++k]); repeatsGiven = true; break;
                    case "--warmup": warmup = Integer.parseInt(args[++k]); warmupGiven = true; break;
                    case "--json": json = args[++k]; break;
                    case "--chart": chart = args[++k]; break;
                    case "--from": chartFrom = args[++k]; break;
                    case "--peers": peers = true; break;
                    case "--java": javaToo = true; break;
                    default: err.println("losscl bench: unknown argument '" + args[k] + "'\nusage: losscl " + USAGE); return 2;
                }
            }
        } catch (RuntimeException e) {
            err.println("losscl bench: bad arguments (" + e.getMessage() + ")\nusage: losscl " + USAGE);
            return 2;
        }
        if (chartFrom != null) return chartOnly(chart, chartFrom, err);
        if (repeats < 1 || warmup < 0) { err.println("losscl bench: --repeats must be >= 1, --warmup >= 0"); return 2; }
        Pattern pat = filter == null ? null : Pattern.compile(filter, Pattern.CASE_INSENSITIVE);
        List<BenchCase> cases = new ArrayList<>();
        List<BenchCase> suiteCases;
        try {
            suiteCases = BenchSuite.named(suite);
        } catch (IllegalArgumentException e) {
            err.println("losscl bench: " + e.getMessage());
            return 2;
        }
        // The GPU suite's peer is PyTorch on the GPU (CUDA) unless told otherwise.
        if (peerDevice == null) peerDevice = suite.equals("gpu") ? "cuda" : "cpu";
        for (BenchCase c : suiteCases) if (pat == null || pat.matcher(c.id).find()) cases.add(c);
        if (cases.isEmpty()) { err.println("losscl bench: no case matches --filter " + filter); return 2; }
        if (suite.equals("small")) {
            return SmallSuite.run(cases, warmupGiven ? warmup : SmallSuite.WARMUP, repeatsGiven ? repeats : SmallSuite.REPEATS,
                    json, peers, javaToo, out, err);
        }

        try (LossEngine engine = LossEngine.create(BackendKind.OPENCL);
             LossEngine reference = javaToo ? LossEngine.create(BackendKind.JAVA) : null) {
            OpenClBackend backend = (OpenClBackend) engine.backend();
            OpenClContext cl = backend.context();
            err.println("bench: device " + cl.device().name() + " (" + cl.device().platformName() + "), " + cl.config());
            err.println("bench: measuring host read bandwidth (" + THREADS + " threads) and device copy bandwidth ...");
            Stats hostRead = Bandwidth.hostRead(THREADS, Math.max(5, repeats));
            Stats devCopy;
            synchronized (cl) { devCopy = Bandwidth.deviceCopy(cl, Math.max(5, repeats)); }
            err.printf(Locale.ROOT, "bench: host read best %.1f GB/s (%d threads), device copy kernel best %.1f GB/s%n", hostRead.max, THREADS, devCopy.max);

            List<Row> rows = new ArrayList<>();
            List<BenchCase> tooLarge = new ArrayList<>();
            int done = 0;
            for (BenchCase c : cases) {
                done++;
                String tooBig = memoryProblem(c, cl);
                if (tooBig != null) {
                    err.println("bench: " + c.id + ": skipped, " + tooBig);
                    for (String p : PASSES) { Row r = new Row(c, p); r.skipped = "skipped: memory"; rows.add(r); }
                    tooLarge.add(c);
                    continue;
                }
                LossEntry<?> entry = LossRegistry.byName(c.loss);
                if (entry == null) {
                    err.println("bench: " + c.id + ": not built yet (" + c.loss + " is not registered)");
                    for (String p : PASSES) { Row r = new Row(c, p); r.skipped = "not built yet"; rows.add(r); }
                    continue;
                }
                progress(err, done, cases.size(), c.id, "making inputs");
                Map<String, HostTensor> host = new LinkedHashMap<>();
                for (BenchCase.Input in : c.inputs) host.put(in.name, Inputs.make(in, 42));
                Loss loss = entry.parse(Options.of(c.loss, c.options));
                for (String pass : PASSES) {
                    Row row = new Row(c, pass);
                    rows.add(row);
                    boolean bwd = pass.equals("fwd+bwd");
                    String[] grads = bwd ? c.grads.toArray(new String[0]) : new String[0];
                    try {
                        progress(err, done, cases.size(), c.id, pass + " device-resident");
                        row.device = timeDevice(engine, backend, loss, host, c.hostFed, grads, warmup, repeats, row);
                        progress(err, done, cases.size(), c.id, pass + " host round trip");
                        LossInputs hostInputs = LossInputs.of(host);
                        // Gradients land in arrays allocated once (computeInto), as in the copy-only baseline.
                        Map<String, HostTensor> gradsInto = gradArrays(host, grads);
                        row.host = Stats.time(warmup, repeats, () -> engine.computeInto(loss, hostInputs, gradsInto).scalar());
                        progress(err, done, cases.size(), c.id, pass + " copies only");
                        row.copy = timeCopies(cl, host, grads, warmup, repeats);
                        row.bytes = c.bytesMoved(bwd, 4);
                        row.copyBytes = c.copyBytes(bwd);
                        if (reference != null) {
                            // The Java reference is the slow, exact fallback: fewer repeats keep big cases bounded.
                            progress(err, done, cases.size(), c.id, pass + " java reference");
                            row.java = Stats.time(1, Math.min(3, repeats), () -> reference.compute(loss, hostInputs, grads).scalar());
                        }
                    } catch (LossclException | IllegalStateException e) {
                        row.skipped = "failed: " + e.getMessage();
                        err.println("bench: " + c.id + " " + pass + ": " + row.skipped);
                    }
                }
                host.clear();
            }

            List<Peers.Run> peerRuns = new ArrayList<>();
            if (peers) {
                Path spec = Files.createTempFile("losscl-bench", ".json");
                try {
                    List<BenchCase> peerCases = new ArrayList<>(cases);
                    peerCases.removeAll(tooLarge); // what does not fit here for losscl does not run for the peers either
                    Files.writeString(spec, specJson(peerCases, warmup, repeats, peerDevice).toString());
                    peerRuns = Peers.runAll(spec, home(), THREADS, peerDevice, err);
                } finally {
                    Files.deleteIfExists(spec);
                }
            }

            // Bandwidths again at the end: on a shared machine one measurement can land in a busy
            // moment; the best of both runs is the machine's capability.
            err.println("bench: measuring the bandwidths again ...");
            hostRead = Stats.merge(hostRead, Bandwidth.hostRead(THREADS, Math.max(5, repeats)));
            synchronized (cl) { devCopy = Stats.merge(devCopy, Bandwidth.deviceCopy(cl, Math.max(5, repeats))); }
            String machine = machine(cl);
            out.println(table(rows, peerRuns, hostRead, devCopy, machine, repeats, warmup, javaToo) + memoryTable(rows, peerRuns));
            if (json != null) {
                ObjectNode j = toJson(rows, peerRuns, hostRead, devCopy, machine, repeats, warmup);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(json).toFile(), j);
                err.println("bench: wrote " + json);
            }
            if (chart != null) writeChart(toJson(rows, peerRuns, hostRead, devCopy, machine, repeats, warmup), chart, err);
            return 0;
        } catch (LossclException e) {
            err.println("losscl bench: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("losscl bench: " + e);
            return 1;
        }
    }

    /** {@code --chart FILE --from BENCH.json}: the chart of an earlier run, without running anything. */
    private static int chartOnly(String chart, String from, PrintStream err) {
        if (chart == null) { err.println("losscl bench: --from needs --chart FILE.svg\nusage: losscl " + USAGE); return 2; }
        try {
            return writeChart(new ObjectMapper().readTree(Path.of(from).toFile()), chart, err) ? 0 : 1;
        } catch (IOException e) {
            err.println("losscl bench: cannot read " + from + ": " + e.getMessage());
            return 2;
        }
    }

    private static boolean writeChart(com.fasterxml.jackson.databind.JsonNode bench, String chart, PrintStream err) throws IOException {
        io.losscl.cli.Svg svg = BenchChart.draw(bench, bench.path("machine").asText(null));
        if (svg == null) {
            err.println("losscl bench: no case has a peer time to compare with, so no chart (run with --peers)");
            return false;
        }
        svg.write(Path.of(chart));
        err.println("bench: wrote " + chart);
        return true;
    }

    private static void progress(PrintStream err, int k, int n, String id, String what) {
        err.println(String.format(Locale.ROOT, "bench: [%d/%d] %s: %s", k, n, id, what));
        err.flush();
    }

    /**
     * Device-resident: inputs uploaded once (but those {@code hostFed}); each call returns the scalar to the host,
     * gradients stay on the device. With a {@code row}, also its {@code peakExtraBytes} (one more call).
     */
    static Stats timeDevice(LossEngine engine, OpenClBackend backend, Loss loss, Map<String, HostTensor> host,
                            java.util.Set<String> hostFed, String[] grads, int warmup, int repeats, Row row) {
        Map<String, DeviceTensor> dev = new LinkedHashMap<>();
        try {
            Map<String, Tensor> resident = new LinkedHashMap<>();
            for (Map.Entry<String, HostTensor> e : host.entrySet()) {
                if (hostFed.contains(e.getKey())) {
                    resident.put(e.getKey(), e.getValue());
                } else {
                    DeviceTensor d = backend.upload(e.getValue());
                    dev.put(e.getKey(), d);
                    resident.put(e.getKey(), d);
                }
            }
            LossInputs inputs = LossInputs.of(resident);
            if (row != null) row.peakExtraBytes = peakExtraBytes(engine, backend.context(), loss, inputs, grads);
            return Stats.time(warmup, repeats, () -> {
                LossResult r = engine.compute(loss, inputs, grads);
                r.scalar();
                close(r.output());
                for (Tensor g : r.grads().values()) close(g);
            });
        } finally {
            for (DeviceTensor d : dev.values()) d.close();
        }
    }

    /**
     * Device memory one call needs beyond its inputs (resident before it) and its results (output, gradients): the
     * buffer pool's high-water mark during the call, in the pool's size classes, less the results' buffers.
     */
    private static long peakExtraBytes(LossEngine engine, OpenClContext cl, Loss loss, LossInputs inputs, String[] grads) {
        long before;
        synchronized (cl) {
            before = cl.borrowedBytes();
            cl.resetPeakBytes();
        }
        LossResult r = engine.compute(loss, inputs, grads);
        long peak;
        synchronized (cl) { peak = cl.peakBorrowedBytes(); }
        long results = 0;
        List<Tensor> out = new ArrayList<>(r.grads().values());
        out.add(r.output());
        for (Tensor t : out) {
            if (t instanceof DeviceTensor) results += ((DeviceTensor) t).buffer().bytes();
            close(t);
        }
        return peak - before - results;
    }

    private static void close(Tensor t) {
        if (t instanceof DeviceTensor) ((DeviceTensor) t).close();
    }

    /** The copy-only baseline of a host round trip: every input to the device, every gradient back. */
    private static Stats timeCopies(OpenClContext cl, Map<String, HostTensor> host, String[] grads, int warmup, int repeats) {
        // Gradients land in arrays allocated once, outside the timing: the baseline is the copies alone.
        Map<String, HostTensor> gradOut = gradArrays(host, grads);
        return Stats.time(warmup, repeats, () -> {
            synchronized (cl) {
                List<DeviceBuffer> bufs = new ArrayList<>();
                try {
                    for (HostTensor t : host.values()) {
                        DeviceBuffer b = cl.borrow(t.numel() * t.dtype().bytes());
                        bufs.add(b);
                        cl.write(b, t);
                    }
                    for (String g : grads) {
                        HostTensor t = host.get(g);
                        DeviceBuffer b = cl.borrow(t.numel() * t.dtype().bytes());
                        bufs.add(b);
                        cl.readInto(b, gradOut.get(g));
                    }
                } finally {
                    for (DeviceBuffer b : bufs) b.close();
                }
            }
        });
    }

    /** One host tensor per gradient, to be reused by every timed call. */
    static Map<String, HostTensor> gradArrays(Map<String, HostTensor> host, String[] grads) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String g : grads) out.put(g, HostTensor.zeros(host.get(g).dtype(), host.get(g).shape()));
        return out;
    }

    /** Why a case cannot run here (memory), or null. Inputs + gradients live on the host and the device at once. */
    private static String memoryProblem(BenchCase c, OpenClContext cl) {
        long need = 3 * c.copyBytes(true);
        long heap = Runtime.getRuntime().maxMemory();
        long free = Long.MAX_VALUE;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean) {
            free = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getFreeMemorySize();
        }
        if (need > heap / 2 || need > free || need > cl.device().globalMemBytes()) {
            return String.format(Locale.ROOT, "needs ~%.1f GiB (Java heap max %.1f GiB, free memory %.1f GiB); raise -Xmx via LOSSCL_JAVA_OPTS",
                    need / 1073741824.0, heap / 1073741824.0, free / 1073741824.0);
        }
        return null;
    }

    static Path home() {
        try {
            Path jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/losscl.jar or target/classes -> the project root
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            if (root != null && Files.isDirectory(root.resolve("bench"))) return root;
        } catch (Exception ignored) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    static String machine(OpenClContext cl) {
        String cpu = "unknown CPU";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) { cpu = l.substring(l.indexOf(':') + 1).trim(); break; }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + String.format(Locale.ROOT, "%.0f GiB",
                cl.device().globalMemBytes() / 1073741824.0) + " device memory; OpenCL " + cl.device().name() + " (" + cl.device().platformName() + ")";
    }

    static ObjectNode specJson(List<BenchCase> cases, int warmup, int repeats, String device) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("threads", THREADS).put("warmup", warmup).put("repeats", repeats).put("device", device);
        // Stats.time's warm-up rule, so that the peer warms up as losscl does
        root.put("min_warmup_s", Stats.MIN_WARMUP_NANOS / 1e9).put("max_warmup_s", Stats.MAX_WARMUP_NANOS / 1e9)
                .put("warm_calls", Stats.WARM_CALLS);
        ArrayNode arr = root.putArray("cases");
        for (BenchCase c : cases) {
            ObjectNode o = arr.addObject();
            o.put("id", c.id).put("loss", c.loss);
            ObjectNode opts = o.putObject("options");
            c.options.forEach((k, v) -> opts.putPOJO(k, v));
            ArrayNode ins = o.putArray("inputs");
            for (BenchCase.Input in : c.inputs) {
                ObjectNode i = ins.addObject();
                i.put("name", in.name).put("dtype", in.dtype.protocolName()).put("gen", in.gen.name().toLowerCase(Locale.ROOT))
                        .put("lo", in.lo).put("hi", in.hi);
                ArrayNode sh = i.putArray("shape");
                for (long d : in.shape) sh.add(d);
            }
            ArrayNode g = o.putArray("grads");
            c.grads.forEach(g::add);
            o.put("copy_bytes_fwd", c.copyBytes(false)).put("copy_bytes_fwdbwd", c.copyBytes(true));
        }
        return root;
    }

    private static String ms(Stats s) { return s == null ? "-" : String.format(Locale.ROOT, "%.3g", s.median); }

    private static String range(Stats s) { return s == null ? "-" : String.format(Locale.ROOT, "%.3g–%.3g", s.min, s.max); }

    private static String table(List<Row> rows, List<Peers.Run> peers, Stats hostRead, Stats devCopy, String machine, int repeats, int warmup,
                                boolean javaToo) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Machine: %s%nHost read bandwidth (STREAM-style, %d threads): best %.1f GB/s (median %.1f); "
                        + "device copy kernel: best %.1f GB/s (median %.1f)%nTimes in ms: median of %d after %s (min–max); "
                        + "GB/s = bytes that must be read and written / median; %% bw = that / the best bandwidth above "
                        + "(STREAM's convention); ×peer = peer time / losscl device-resident time (> 1: losscl faster)%n",
                machine, THREADS, hostRead.max, hostRead.median, devCopy.max, devCopy.median, repeats, Stats.warmupRule(warmup)));
        for (Peers.Run p : peers) b.append("Peer ").append(p.label).append(": ").append(p.note).append('\n');
        b.append('\n');
        StringBuilder h = new StringBuilder("| case | pass | device ms | min–max | GB/s | % copy bw | % host read | host round trip ms | copy-only ms | rt/copy |");
        StringBuilder sep = new StringBuilder("|---|---|---:|---|---:|---:|---:|---:|---:|---:|");
        if (javaToo) { h.append(" java reference ms (host round trip) |"); sep.append("---:|"); }
        for (Peers.Run p : peers) { h.append(' ').append(p.label).append(" ms | ×").append(shortLabel(p.label)).append(" |"); sep.append("---:|---:|"); }
        b.append(h).append('\n').append(sep).append('\n');
        for (Row r : rows) {
            b.append("| ").append(r.c.id).append(" | ").append(r.pass).append(" | ");
            if (r.skipped != null || r.device == null) {
                b.append(r.skipped == null ? "-" : r.skipped).append(" | | | | | | | |");
                if (javaToo) b.append(" |");
            } else {
                double gbs = r.bytes / (r.device.median * 1e6);
                b.append(ms(r.device)).append(" | ").append(range(r.device)).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f | %.0f%% | %.0f%% | ", gbs, 100 * gbs / devCopy.max, 100 * gbs / hostRead.max))
                        .append(ms(r.host)).append(" | ").append(ms(r.copy)).append(" | ")
                        .append(String.format(Locale.ROOT, "%.2f |", r.host.median / r.copy.median));
                if (javaToo) b.append(' ').append(ms(r.java)).append(" |");
            }
            for (Peers.Run p : peers) {
                Stats s = p.times.get(r.key());
                b.append(' ').append(ms(s)).append(" | ");
                b.append(s != null && r.device != null ? String.format(Locale.ROOT, "%.2f", s.median / r.device.median) : "-").append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * Peak extra memory of the linear_cross_entropy rows (the suite whose point it is), losscl's device bytes next
     * to each peer's resident-set growth; empty when the run has none.
     */
    private static String memoryTable(List<Row> rows, List<Peers.Run> peers) {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) {
            if (!r.c.loss.equals("linear_cross_entropy") || !r.pass.equals("fwd+bwd") || r.peakExtraBytes == null) continue;
            if (b.length() == 0) {
                b.append("\nPeak extra memory of one forward+backward call (MiB; losscl: device buffers beyond inputs and results, the pool's "
                        + "high-water mark; peers: resident-set growth less the gradients), and the logits' N x V x 4 bytes for scale:\n\n");
                b.append("| case | logits MiB | losscl peak extra MiB | / logits |");
                for (Peers.Run p : peers) b.append(' ').append(p.label).append(" MiB |");
                b.append("\n|---|---:|---:|---:|");
                for (int k = 0; k < peers.size(); k++) b.append("---:|");
                b.append('\n');
            }
            double logits = r.c.input("input").numel() / (double) r.c.input("input").shape[r.c.input("input").shape.length - 1]
                    * r.c.input("linear_weight").shape[0] * 4;
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.3f |", r.c.id, logits / 1048576, r.peakExtraBytes / 1048576.0, r.peakExtraBytes / logits));
            for (Peers.Run p : peers) {
                Long m = p.peakExtraBytes.get(r.key());
                b.append(m == null ? " - |" : String.format(Locale.ROOT, " %.1f |", m / 1048576.0));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String shortLabel(String label) {
        return label.startsWith("PyTorch (tuned") ? "PyTorch-tuned" : label.split(" ")[0];
    }

    private static ObjectNode toJson(List<Row> rows, List<Peers.Run> peers, Stats hostRead, Stats devCopy, String machine, int repeats, int warmup) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("machine", machine).put("threads", THREADS).put("repeats", repeats).put("warmup", warmup);
        root.set("host_read_gbps", stats(hostRead));
        root.set("device_copy_gbps", stats(devCopy));
        ArrayNode pn = root.putArray("peers");
        for (Peers.Run p : peers) pn.addObject().put("label", p.label).put("note", p.note);
        ArrayNode arr = root.putArray("results");
        for (Row r : rows) {
            ObjectNode o = arr.addObject();
            o.put("id", r.c.id).put("loss", r.c.loss).put("pass", r.pass);
            if (r.skipped != null) o.put("skipped", r.skipped);
            if (r.device != null) {
                o.put("bytes", r.bytes).put("copy_bytes", r.copyBytes);
                o.set("device_ms", stats(r.device));
                o.put("device_gbps", r.bytes / (r.device.median * 1e6));
                o.set("host_round_trip_ms", stats(r.host));
                o.set("copy_only_ms", stats(r.copy));
                if (r.peakExtraBytes != null) o.put("peak_extra_bytes", r.peakExtraBytes);
                if (r.java != null) o.set("java_reference_ms", stats(r.java));
            }
            ObjectNode po = o.putObject("peers_ms");
            for (Peers.Run p : peers) { Stats s = p.times.get(r.key()); if (s != null) po.set(p.label, stats(s)); }
            ObjectNode pm = f.objectNode();
            for (Peers.Run p : peers) { Long m = p.peakExtraBytes.get(r.key()); if (m != null) pm.put(p.label, m); }
            if (pm.size() > 0) o.set("peers_peak_extra_bytes", pm);
        }
        return root;
    }

    static ObjectNode stats(Stats s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (s == null) return o;
        o.put("median", s.median).put("min", s.min).put("max", s.max);
        ArrayNode a = o.putArray("samples");
        for (double v : s.samples) a.add(v);
        return o;
    }
}
