package io.losscl.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@code kernels-cl/*.cl} files, read from the classpath (they ship inside the jar). */
final class KernelSources {
    private static final String ROOT = "/io/losscl/kernels/";
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private KernelSources() {}

    /** The text of {@code <stem>.cl}. */
    static String load(String stem) {
        return CACHE.computeIfAbsent(stem, s -> {
            try (InputStream in = KernelSources.class.getResourceAsStream(ROOT + s + ".cl")) {
                if (in == null) throw new IllegalStateException("kernel source " + s + ".cl is not on the classpath");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** {@code common.cl} followed by each file of {@code stems}, with #line markers for build logs. */
    static String program(List<String> stems) {
        StringBuilder sb = new StringBuilder();
        sb.append("#line 1 \"common.cl\"\n").append(load("common")).append('\n');
        for (String s : stems) sb.append("#line 1 \"").append(s).append(".cl\"\n").append(load(s)).append('\n');
        return sb.toString();
    }
}
