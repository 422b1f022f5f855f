package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.MseLoss;
import io.losscl.opencl.OpenClBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 100k loss calls keep the number of live cl_mem objects constant and process memory flat. The pom
 * runs this class in its own JVM with a fixed, pre-touched heap (-Xms = -Xmx, AlwaysPreTouch), so the
 * heap is resident from the start and any growth of the resident set is native or device memory
 * (a CPU OpenCL device's buffers live in this process).
 */
class LeakTest {
    private static final int CALLS = 100_000;

    @Test
    void hundredThousandCallsLeakNoDeviceMemory() throws IOException {
        OpenClSupport.assume();
        try (LossEngine engine = LossEngine.create(BackendKind.OPENCL)) {
            OpenClBackend cl = (OpenClBackend) engine.backend();
            float[] a = new float[257], b = new float[257];
            for (int i = 0; i < a.length; i++) {
                a[i] = i * 0.01f;
                b[i] = 1 - i * 0.02f;
            }
            LossInputs in = LossInputs.of("input", HostTensor.of(a, a.length), "target", HostTensor.of(b, b.length));
            MseLoss none = MseLoss.of(Reduction.NONE), mean = MseLoss.mean();
            // every fourth call reads its gradient into a reused array (computeInto)
            Map<String, HostTensor> into = Map.of("input", HostTensor.zeros(DType.FLOAT32, Shape.of(a.length)));
            for (int i = 0; i < 5_000; i++) call(engine, i, none, mean, in, into);
            long buffersAfterWarmup = cl.context().liveBuffers();
            long rssAfterWarmup = residentKiB();
            for (int i = 0; i < CALLS; i++) call(engine, i, none, mean, in, into);
            long growthKiB = residentKiB() - rssAfterWarmup;
            assertEquals(buffersAfterWarmup, cl.context().liveBuffers(), "live cl_mem objects grew over " + CALLS + " calls");
            System.err.println("LeakTest: " + CALLS + " calls, live cl_mem " + buffersAfterWarmup + ", resident memory growth " + growthKiB + " KiB");
            assertTrue(growthKiB < 64 * 1024, "resident memory grew by " + growthKiB + " KiB over " + CALLS + " calls");
        }
    }

    private static void call(LossEngine engine, int i, MseLoss none, MseLoss mean, LossInputs in, Map<String, HostTensor> into) {
        if (i % 4 == 3) engine.computeInto(mean, in, into);
        else engine.compute(i % 2 == 0 ? none : mean, in, "input");
    }

    private static long residentKiB() throws IOException {
        System.gc();
        return processResidentKiB();
    }

    private static long processResidentKiB() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return 0;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return 0;
    }
}
