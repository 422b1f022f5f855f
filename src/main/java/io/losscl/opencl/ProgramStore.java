package io.losscl.opencl;

import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.clGetDeviceInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import org.jocl.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled program binaries kept on disk across processes, so that a loss's first call in a new process
 * loads its program instead of compiling it (~100 ms per program on POCL). An entry's name is the SHA-256 of
 * everything the binary depends on: platform, device, device and driver versions, build options and the
 * program's source files (their names and text fingerprints, {@link KernelSources#digest}); a changed kernel or
 * driver is a different entry, never a stale one.
 *
 * <p>Safe against corruption: each file holds a magic line, the binary's length and CRC-32, and the binary
 * (the name's SHA-256 guards against collisions, the CRC against damage: a torn or bit-flipped file); one
 * that does not check out is deleted and the program built from source. Safe against concurrent writers:
 * an entry is written to a temporary file in the same directory and renamed over the name atomically, so a
 * reader sees a whole entry or none. A directory that cannot be created or written disables the store
 * (logged once); the engine then builds from source as without it.
 */
final class ProgramStore {
    private static final Logger LOG = LoggerFactory.getLogger(ProgramStore.class);
    private static final byte[] MAGIC = "losscl program binary v2\n".getBytes(StandardCharsets.US_ASCII);
    /** The check stored before the binary: its length and CRC-32 (native zlib code, fast even before the JIT). */
    private static final int CHECK = 12;
    /** The store's size bound: beyond it the least recently written entries go (a POCL binary is ~0.3 MB). */
    static final long MAX_BYTES = 256L << 20;

    private final Path dir;
    private final String deviceKey;
    private volatile boolean enabled;

    private ProgramStore(Path dir, String deviceKey) {
        this.dir = dir;
        this.deviceKey = deviceKey;
        this.enabled = dir != null;
    }

    /** A store in {@code dir} for {@code device}; {@code null} or an unusable directory: a store that keeps nothing. */
    static ProgramStore open(Path dir, DeviceInfo device) {
        if (dir == null) return new ProgramStore(null, "");
        String key = String.join("\n", device.platformName(), device.name(), device.version(),
                deviceString(device, CL_DEVICE_VERSION), deviceString(device, CL_DRIVER_VERSION));
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) throw new AccessDeniedException(dir.toString());
            return new ProgramStore(dir, key);
        } catch (IOException | SecurityException e) {
            LOG.warn("Program cache disabled: {} is not a writable directory ({}); programs are compiled from source", dir, e.toString());
            return new ProgramStore(null, "");
        }
    }

    boolean enabled() { return enabled; }

    /**
     * The entry name for the program made of the files {@code stems} (after common.cl, in order) built with
     * {@code options}: the file list, the options and every file's text (through its fingerprint,
     * {@link KernelSources#digest}) are all hashed; the program's text is a function of these.
     */
    String key(List<String> stems, String options) { return key(stems, options, KernelSources::digest); }

    /** {@link #key(List, String)} with the files' digests from {@code fileDigest} (tests: a changed file). */
    String key(List<String> stems, String options, java.util.function.Function<String, byte[]> fileDigest) {
        MessageDigest md = sha256();
        md.update(deviceKey.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(String.join("+", stems).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(options.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(fileDigest.apply("common"));
        for (String s : stems) md.update(fileDigest.apply(s));
        return HexFormat.of().formatHex(md.digest());
    }

    /** The binary stored under {@code key}, or {@code null} when there is none or it is damaged (then deleted). */
    byte[] load(String key) {
        if (!enabled) return null;
        Path file = dir.resolve(key + ".bin");
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.debug("Program cache: cannot read {} ({})", file, e.toString());
            return null;
        }
        int head = MAGIC.length + CHECK;
        if (all.length > head && Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            ByteBuffer check = ByteBuffer.wrap(all, MAGIC.length, CHECK);
            long length = check.getLong();
            int crc = check.getInt();
            if (length == all.length - head && crc == crc32(all, head, all.length - head)) {
                return Arrays.copyOfRange(all, head, all.length);
            }
        }
        LOG.warn("Program cache: {} is damaged; deleting it and compiling from source", file);
        discard(key);
        return null;
    }

    /** Deletes the entry {@code key} (a binary the driver refused). */
    void discard(String key) {
        if (!enabled) return;
        try {
            Files.deleteIfExists(dir.resolve(key + ".bin"));
        } catch (IOException e) {
            LOG.debug("Program cache: cannot delete {} ({})", key, e.toString());
        }
    }

    /** Stores {@code binary} under {@code key}: written to a temporary file, then renamed over the entry at once. */
    void save(String key, byte[] binary) {
        if (!enabled || binary.length == 0) return;
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, key, ".tmp");
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + CHECK + binary.length);
            b.put(MAGIC).putLong(binary.length).putInt(crc32(binary, 0, binary.length)).put(binary);
            Files.write(tmp, b.array());
            try {
                Files.move(tmp, dir.resolve(key + ".bin"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(key + ".bin"), StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            prune();
        } catch (IOException | SecurityException e) {
            enabled = false;
            LOG.warn("Program cache disabled: cannot write to {} ({}); programs are compiled from source", dir, e.toString());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is the directory's problem now
                }
            }
        }
    }

    /** Deletes the oldest entries while the store holds more than {@link #MAX_BYTES}. */
    private void prune() throws IOException {
        java.util.List<Path> files;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".bin")).collect(java.util.stream.Collectors.toList());
        }
        java.util.Map<Path, java.nio.file.attribute.BasicFileAttributes> attrs = new java.util.HashMap<>();
        long total = 0;
        for (Path f : files) {
            try {
                java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
                attrs.put(f, a);
                total += a.size();
            } catch (NoSuchFileException e) {
                // another process pruned it
            }
        }
        if (total <= MAX_BYTES) return;
        java.util.List<Path> oldestFirst = new java.util.ArrayList<>(attrs.keySet());
        oldestFirst.sort(java.util.Comparator.comparing(f -> attrs.get(f).lastModifiedTime()));
        for (Path f : oldestFirst) {
            if (total <= MAX_BYTES) break;
            total -= attrs.get(f).size();
            Files.deleteIfExists(f);
        }
    }

    private static int crc32(byte[] b, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(b, offset, length);
        return (int) crc.getValue();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java runtime has SHA-256", e);
        }
    }

    private static String deviceString(DeviceInfo d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d.device, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d.device, param, buf.length, Pointer.to(buf), null);
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, StandardCharsets.UTF_8).trim();
    }
}
