package io.losscl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.DType;
import io.losscl.OpenClSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled programs kept across engines (processes): reused, and a damaged entry falls back to the source. */
class ProgramStoreTest {
    private static final List<String> STEMS = List.of("mse_loss", "elementwise");

    private static int[] buildOnce(Path dir) {
        try (OpenClBackend backend = OpenClBackend.open(null, LaunchConfig.overrides(), dir)) {
            OpenClContext cl = backend.context();
            synchronized (cl) {
                cl.kernel(STEMS, cl.options(DType.FLOAT32) + " -DREDUCE=1 -DGRAD_MASK=0", "elementwise_loss");
                return cl.programBuilds();
            }
        }
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aSecondEngineLoadsTheStoredBinary(@TempDir Path dir) throws IOException {
        OpenClSupport.assume();
        assertArrayEquals(new int[] {1, 0}, buildOnce(dir), "the first engine compiles the source");
        List<Path> stored = entries(dir);
        assertEquals(1, stored.size(), "one entry, no temporary file left: " + stored);
        assertTrue(stored.get(0).getFileName().toString().endsWith(".bin"));
        assertArrayEquals(new int[] {0, 1}, buildOnce(dir), "the second engine loads the binary");
    }

    @Test
    void aDamagedEntryIsDiscardedAndTheSourceCompiled(@TempDir Path dir) throws IOException {
        OpenClSupport.assume();
        buildOnce(dir);
        Path entry = entries(dir).get(0);
        byte[] b = Files.readAllBytes(entry);
        b[b.length / 2] ^= 0x5a;
        Files.write(entry, b);
        assertArrayEquals(new int[] {1, 0}, buildOnce(dir), "a damaged binary is not loaded");
        assertArrayEquals(new int[] {0, 1}, buildOnce(dir), "the rebuilt program was stored again");
        Files.write(entry, new byte[] {1, 2, 3}); // truncated
        assertArrayEquals(new int[] {1, 0}, buildOnce(dir));
    }

    @Test
    void theKeyCoversTheFileListTheOptionsAndEveryFilesText() {
        ProgramStore store = ProgramStore.open(null, null);
        List<String> stems = List.of("cross_entropy", "cross_entropy_rows");
        String key = store.key(stems, "-DA=1");
        assertFalse(key.equals(store.key(List.of("cross_entropy", "cross_entropy_rows_cpu"), "-DA=1")), "another file list");
        assertFalse(key.equals(store.key(List.of("cross_entropy_rows", "cross_entropy"), "-DA=1")), "another file order");
        assertFalse(key.equals(store.key(stems, "-DA=2")), "other options");
        assertEquals(key, store.key(stems, "-DA=1"));
        for (String changed : List.of("common", "cross_entropy", "cross_entropy_rows")) {
            byte[] edited = KernelSources.digest(changed).clone();
            edited[15] ^= 1;
            String other = store.key(stems, "-DA=1", s -> s.equals(changed) ? edited : KernelSources.digest(s));
            assertFalse(key.equals(other), "a changed " + changed + ".cl");
        }
    }

    @Test
    void anUnwritableDirectoryDisablesTheStore(@TempDir Path dir) throws IOException {
        OpenClSupport.assume();
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        assertArrayEquals(new int[] {1, 0}, buildOnce(file.resolve("programs")), "builds from source, no error");
        assertFalse(Files.isDirectory(file.resolve("programs")));
    }
}
