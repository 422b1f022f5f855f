package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.CrossEntropyLoss;
import io.losscl.opencl.LaunchConfig;
import io.losscl.opencl.OpenClBackend;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The launch configuration: the documented properties map onto {@link LaunchConfig} (a bad value is one
 * {@link ConfigurationException} at engine creation naming the setting and its valid values: issue 11 row 7),
 * the profiles run the table's CPU or GPU launch on this device, and overrides take precedence.
 */
class LaunchConfigTest {
    private static LaunchConfig.Overrides fromProperties(Map<String, String> props, Map<String, String> env) {
        return LaunchProperties.read(props::get, env::get);
    }

    @ParameterizedTest
    @CsvSource({
            "losscl.wgs, 3, a power of two", "losscl.wgs, 0, a power of two", "losscl.wgs, -4, a power of two",
            "losscl.wgs, abc, a power of two", "losscl.layout, diag, 'chunked, strided'",
            "losscl.groupsPerUnit, 0, '>= 1'", "losscl.precision, quad, 'float, double'", "losscl.profile, tpu, 'cpu, gpu'",
            "losscl.rowMode, rows, 'auto, item, group'", "losscl.ctc.serial, yes, 'true, false'", "losscl.rowSlices, -1, '>= 1'",
            "losscl.wideRow, 1e3, '>= 1'", "losscl.lce.chunkRows, 0, '>= 1'", "losscl.cosine.rowPerItem, 2, 'true'"})
    void badPropertyIsOneConfigurationError(String property, String value, String valid) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> fromProperties(Map.of(property, value), Map.of()));
        assertTrue(e.getMessage().contains(property) && e.getMessage().contains("'" + value + "'") && e.getMessage().contains(valid),
                e.getMessage());
        assertEquals("invalid_argument", e.errorType());
    }

    @Test
    void badEnvironmentProfileIsAConfigurationError() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> fromProperties(Map.of(), Map.of("LOSSCL_PROFILE", "fast")));
        assertTrue(e.getMessage().contains("losscl.profile") && e.getMessage().contains("cpu, gpu"), e.getMessage());
    }

    @Test
    void badOverrideFailsAtOnce() {
        assertThrows(ConfigurationException.class, () -> LaunchConfig.overrides().workGroupSize(3));
        assertThrows(ConfigurationException.class, () -> LaunchConfig.overrides().workGroupSize(0));
        assertThrows(ConfigurationException.class, () -> LaunchConfig.overrides().groupsPerUnit(-4));
    }

    @Test
    void workGroupAboveTheDeviceLimitFailsAtEngineCreation() {
        OpenClSupport.assume();
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> LossEngine.create(BackendKind.OPENCL, null, LaunchConfig.overrides().workGroupSize(1 << 30)));
        assertTrue(e.getMessage().contains("losscl.wgs") && e.getMessage().contains("device's maximum"), e.getMessage());
    }

    @Test
    void propertiesAndEnvironmentMapOntoOverrides() {
        OpenClSupport.assume();
        LaunchConfig.Overrides o = fromProperties(Map.of("losscl.wgs", "32", "losscl.layout", "STRIDED", "losscl.ctc.serial", "true"),
                Map.of("LOSSCL_PROFILE", "cpu"));
        LaunchConfig c = config(o);
        assertEquals(LaunchConfig.Profile.CPU, c.profile());
        assertEquals(32, c.workGroupSize());
        assertEquals(LaunchConfig.Layout.STRIDED, c.layout());
        assertTrue(c.ctcSerial());
        // The property wins over the environment; explicit overrides over both.
        LaunchConfig.Overrides p = fromProperties(Map.of("losscl.profile", "gpu"), Map.of("LOSSCL_PROFILE", "cpu"));
        assertEquals(LaunchConfig.Profile.GPU, config(p).profile());
        assertEquals(LaunchConfig.Profile.CPU, config(LaunchConfig.overrides().profile(LaunchConfig.Profile.CPU).orElse(p)).profile());
    }

    @Test
    void gpuProfileRunsTheDiscreteGpuLaunchHere() {
        OpenClSupport.assume();
        // Both profiles compute in FLOAT unless this run sets the precision (CI's -Dlosscl.precision=double pass).
        LaunchConfig.Precision precision = "double".equals(System.getProperty("losscl.precision"))
                ? LaunchConfig.Precision.DOUBLE : LaunchConfig.Precision.FLOAT;
        LaunchConfig gpu = config(LaunchConfig.overrides().profile(LaunchConfig.Profile.GPU));
        assertEquals(LaunchConfig.Layout.STRIDED, gpu.layout());
        assertEquals(256, gpu.workGroupSize());
        assertEquals(precision, gpu.precision());
        assertTrue(!gpu.ctcSerial());
        LaunchConfig cpu = config(LaunchConfig.overrides().profile(LaunchConfig.Profile.CPU));
        assertEquals(LaunchConfig.Layout.CHUNKED, cpu.layout());
        assertEquals(64, cpu.workGroupSize());
        assertEquals(precision, cpu.precision());
        assertTrue(cpu.ctcSerial());
    }

    /** Both precisions give the same answer within the accuracy rule, and an engine answers after a bad setting. */
    @Test
    void bothPrecisionsCompute() {
        OpenClSupport.assume();
        HostTensor x = HostTensor.of(new float[] {0.5f, -1f, 2f, 3f, 0f, -2f}, 2, 3);
        HostTensor t = HostTensor.of(new long[] {2, 0}, 2);
        LossInputs in = LossInputs.of("input", x, "target", t);
        double want;
        try (LossEngine java = LossEngine.create(BackendKind.JAVA)) {
            want = java.compute(CrossEntropyLoss.builder().build(), in).scalar();
        }
        for (LaunchConfig.Precision p : LaunchConfig.Precision.values()) {
            LaunchConfig.Overrides o = LaunchConfig.overrides().precision(p);
            try (LossEngine e = LossEngine.create(BackendKind.OPENCL, null, o)) {
                if (p == LaunchConfig.Precision.DOUBLE && !((OpenClBackend) e.backend()).device().hasFp64()) continue;
                assertEquals(p, ((OpenClBackend) e.backend()).context().config().precision());
                assertEquals(want, e.compute(CrossEntropyLoss.builder().build(), in).scalar(), 1e-5 + 1e-4 * Math.abs(want));
            } catch (ConfigurationException noFp64) {
                assertEquals(LaunchConfig.Precision.DOUBLE, p);
            }
        }
    }

    private static LaunchConfig config(LaunchConfig.Overrides o) {
        try (LossEngine e = LossEngine.create(BackendKind.OPENCL, null, o)) {
            return ((OpenClBackend) e.backend()).context().config();
        }
    }
}
