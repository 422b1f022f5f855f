package io.losscl.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@code kernels-cl/*.cl} files, read from the classpath (they ship inside the jar). */
final class KernelSources {
    private static final String ROOT = "/io/losscl/kernels/";
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, byte[]> DIGESTS = new ConcurrentHashMap<>();

    private KernelSources() {}

    /** The text of {@code <stem>.cl}. */
    static String load(String stem) {
        String text = CACHE.get(stem);
        if (text != null) return text;
        try (InputStream in = KernelSources.class.getResourceAsStream(ROOT + stem + ".cl")) {
            if (in == null) throw new IllegalStateException("kernel source " + stem + ".cl is not on the classpath");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CACHE.putIfAbsent(stem, text);
        return text;
    }

    /**
     * A fingerprint of {@code <stem>.cl}'s text for program store keys, computed once per process: its length,
     * CRC-32 and Adler-32 (zlib's native code). Not SHA-256: in a fresh JVM that runs interpreted, ~10 ms for a
     * 50 KB program on its first call, where these take microseconds. Two independent 32-bit checks leave an
     * edited file the same fingerprint with odds of about 2^-64; the store key itself is a SHA-256 over these.
     */
    static byte[] digest(String stem) {
        byte[] digest = DIGESTS.get(stem);
        if (digest != null) return digest;
        byte[] text = load(stem).getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(text);
        Adler32 adler = new Adler32();
        adler.update(text);
        digest = ByteBuffer.allocate(16).putLong(text.length).putInt((int) crc.getValue()).putInt((int) adler.getValue()).array();
        DIGESTS.putIfAbsent(stem, digest);
        return digest;
    }

    /** {@code common.cl} followed by each file of {@code stems}, with #line markers for build logs. */
    static String program(List<String> stems) {
        StringBuilder sb = new StringBuilder();
        sb.append("#line 1 \"common.cl\"\n").append(load("common")).append('\n');
        for (String s : stems) sb.append("#line 1 \"").append(s).append(".cl\"\n").append(load(s)).append('\n');
        return sb.toString();
    }
}
