package io.losscl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.DType;
import io.losscl.DeviceException;
import io.losscl.OpenClSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Programs are built once and cached; a failed build reports the options and the build log. */
class ProgramCacheTest {
    @Test
    void aFailedBuildCarriesTheBuildLogAndTheContextStaysUsable() {
        OpenClSupport.assume();
        try (OpenClBackend backend = OpenClBackend.open(null, io.losscl.opencl.LaunchConfig.overrides())) {
            OpenClContext cl = backend.context();
            synchronized (cl) {
                String options = cl.options(DType.FLOAT32);
                DeviceException e = assertThrows(DeviceException.class, () -> cl.kernel(List.of("broken_for_test"), options, "broken"));
                assertTrue(e.getMessage().contains("clBuildProgram"), e.getMessage());
                assertTrue(e.getMessage().contains("undefined_symbol"), "the build log names the error: " + e.getMessage());
                String ok = options + " -DREDUCE=1 -DGRAD_MASK=0";
                assertSame(cl.kernel(List.of("mse_loss", "elementwise"), ok, "elementwise_loss"),
                        cl.kernel(List.of("mse_loss", "elementwise"), ok, "elementwise_loss"));
            }
        }
    }

    /** Kernels' option keys are their own: the same key from two callers gives each its own flags, built once. */
    @Test
    void optionKeysOfDifferentKernelsDoNotCollide() {
        OpenClSupport.assume();
        try (OpenClBackend backend = OpenClBackend.open(null, io.losscl.opencl.LaunchConfig.overrides())) {
            OpenClContext cl = backend.context();
            String base = cl.options(DType.FLOAT32);
            String a = optionsA(cl, base, 3), b = cl.options(base, 3, k -> " -DB=" + k);
            assertEquals(base + " -DA=3", a);
            assertEquals(base + " -DB=3", b);
            assertSame(a, optionsA(cl, base, 3), "built once per call site");
            assertEquals(base + " -DA=200", optionsA(cl, base, 200), "a key beyond the table grows it");
            assertSame(a, optionsA(cl, base, 3));
        }
    }

    private static String optionsA(OpenClContext cl, String base, int key) { return cl.options(base, key, k -> " -DA=" + k); }

    /** Only POCL's lost temporary file is built again; a real build error is reported at once. */
    @Test
    void onlyTheKernelCacheRaceIsBuiltAgain() {
        assertTrue(ProgramCache.transientCacheFailure("error: <invalid loc>: unable to rename temporary "
                + "'/root/.cache/pocl/kcache/tempfile_HA2wIY.preproc-6b3f1b26.cl.tmp' to output file "
                + "'/root/.cache/pocl/kcache/tempfile_HA2wIY.preproc.cl': 'No such file or directory'"));
        assertTrue(!ProgramCache.transientCacheFailure("<source>:3:5: error: use of undeclared identifier 'x'"));
    }
}
