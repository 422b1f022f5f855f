package io.losscl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reference must stay pure Java: no OpenCL and no host-layer code in cpu-reference. */
class ReferenceIsolationTest {
    private static final Pattern FORBIDDEN = Pattern.compile("^\\s*import\\s+(static\\s+)?(org\\.jocl|io\\.losscl\\.opencl)\\b.*", Pattern.MULTILINE);

    @Test
    void cpuReferenceImportsNoOpenClCode() throws IOException {
        Path root = Path.of("cpu-reference/src/main/java");
        assertTrue(Files.isDirectory(root), "run from the project root; " + root.toAbsolutePath() + " is missing");
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return FORBIDDEN.matcher(Files.readString(p)).find() || Files.readString(p).contains("org.jocl.");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.toList());
        }
        assertTrue(offenders.isEmpty(), "cpu-reference must not use OpenCL or io.losscl.opencl: " + offenders);
        try (Stream<Path> files = Files.walk(root)) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith("Reference.java")), "no reference implementations found under " + root);
        }
    }
}
