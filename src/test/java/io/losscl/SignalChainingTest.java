package io.losscl;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The test JVMs run with the JVM's signal-chaining library preloaded (pom.xml), as SignalChaining asks of POCL users. */
class SignalChainingTest {
    @Test
    @EnabledOnOs(OS.LINUX) // LD_PRELOAD and libjsig.so: the Linux dynamic loader's names (POCL's home)
    void testJvmPreloadsTheSignalChainingLibrary() {
        String preload = System.getenv("LD_PRELOAD");
        assertNotNull(preload, "LD_PRELOAD is unset in the test JVM");
        assertTrue(preload.contains("libjsig"), "LD_PRELOAD = " + preload);
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        assertTrue(Files.isRegularFile(jsig), jsig + " is missing");
    }
}
