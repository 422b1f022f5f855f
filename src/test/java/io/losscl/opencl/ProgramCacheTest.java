package io.losscl.opencl;

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

    /** Only POCL's lost temporary file is built again; a real build error is reported at once. */
    @Test
    void onlyTheKernelCacheRaceIsBuiltAgain() {
        assertTrue(ProgramCache.transientCacheFailure("error: <invalid loc>: unable to rename temporary "
                + "'/root/.cache/pocl/kcache/tempfile_HA2wIY.preproc-6b3f1b26.cl.tmp' to output file "
                + "'/root/.cache/pocl/kcache/tempfile_HA2wIY.preproc.cl': 'No such file or directory'"));
        assertTrue(!ProgramCache.transientCacheFailure("<source>:3:5: error: use of undeclared identifier 'x'"));
    }
}
