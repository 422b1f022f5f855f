package io.losscl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 1: {@code eval} streams. 10,000 cases (about 200 MB of JSON Lines, more than the heap)
 * go through {@code losscl eval} in a JVM of its own with a 256 MB heap; reading the whole input first
 * (as eval once did) runs out of memory there.
 */
class EvalStreamingMemoryTest {
    private static final int CASES = 10_000, VALUES = 3000;

    @Test
    void tenThousandCasesStreamThroughA256MegabyteHeap() throws Exception {
        Random rnd = new Random(11);
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < VALUES; i++) data.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.3f", rnd.nextGaussian()));
        String tensor = "{\"dtype\":\"float32\",\"shape\":[" + VALUES + "],\"data\":[" + data + "]}";
        byte[] body = ("\"loss\":\"mse_loss\",\"backend\":\"java\",\"inputs\":{\"input\":" + tensor + ",\"target\":" + tensor + "}}\n")
                .getBytes(StandardCharsets.US_ASCII);
        Path log = Files.createTempFile("losscl-eval-stream", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "eval"))
                .redirectError(log.toFile()).start();
        Thread feed = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                for (int i = 0; i < CASES; i++) {
                    in.write(("{\"id\":\"c" + i + "\",").getBytes(StandardCharsets.US_ASCII));
                    in.write(body);
                }
            } catch (java.io.IOException e) {
                // the process died: its exit status and log tell why
            }
        });
        feed.start();
        int ok = 0, results = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                results++;
                if (line.contains("\"ok\":true") && line.contains("\"id\":\"c" + (results - 1) + "\"")) ok++;
            }
        }
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        feed.join(10_000);
        String why = ended ? Files.readString(log) : "still running";
        assertEquals(0, ended ? p.exitValue() : -1, why.length() > 2000 ? why.substring(0, 2000) : why);
        assertEquals(CASES, results, "results");
        assertEquals(CASES, ok, "answered in order");
        Files.deleteIfExists(log);
        assertEquals(CASES * (long) body.length > 256L << 20, true, "the input is larger than the heap");
    }

}
