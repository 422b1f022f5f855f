package io.losscl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.HostTensor;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.OpenClSupport;
import io.losscl.Reduction;
import io.losscl.loss.MseLoss;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Host-backed buffers (BufferPool): on a CPU device under the CPU profile, small uploads are copies into memory
 * the device reads in place. A buffer given back while a command of its call may still read it is written
 * again only after the queue has run past that command.
 */
class HostBackedBufferTest {
    @Test
    void theCpuProfileOnACpuDeviceIsHostBackedAndTheGpuProfileTransfers() {
        OpenClSupport.assume();
        try (LossEngine cpu = Profiles.openCl(LaunchConfig.Profile.CPU); LossEngine gpu = Profiles.openCl(LaunchConfig.Profile.GPU)) {
            DeviceInfo d = Profiles.context(cpu).device();
            boolean inPlace = d.type() == DeviceInfo.Type.CPU && !d.platformName().startsWith("Oclgrind");
            if (d.platformName().startsWith("Portable Computing Language")) assertTrue(inPlace, d.toString());
            assertEquals(inPlace, Profiles.context(cpu).hostBackedBuffers(), d.toString());
            assertFalse(Profiles.context(gpu).hostBackedBuffers(), "the GPU profile keeps a discrete GPU's transfers");
        }
    }

    /** Beyond the idle limit a host-backed buffer is released only after a host wait: a pending command may read its memory. */
    @Test
    void hostBackedBuffersOverTheIdleLimitAreReleasedAfterTheNextWait() {
        OpenClSupport.assume();
        try (LossEngine engine = Profiles.openCl(LaunchConfig.Profile.CPU)) {
            OpenClContext cl = Profiles.context(engine);
            // A pool told to back buffers by host memory (any device allocates those; the retirement is the pool's own).
            try (BufferPool pool = new BufferPool(cl.clContext(), 4096, true, () -> 0)) {
                DeviceBuffer a = pool.borrow(100, Long.MAX_VALUE), b = pool.borrow(100, Long.MAX_VALUE);
                assertTrue(a.host() != null && b.host() != null);
                a.close(); // idle: within the limit
                b.close(); // over the limit: kept until the queue is known to have run
                assertEquals(2, pool.liveBuffers());
                pool.queueDone();
                assertEquals(1, pool.liveBuffers());
                try (DeviceBuffer again = pool.borrow(4096, Long.MAX_VALUE)) {
                    assertEquals(1, pool.liveBuffers(), "the idle one is handed out again");
                }
            }
        }
    }

    @Test
    void aBufferGivenBackBeforeItsCallRanIsWrittenOnlyAfterTheQueuePassedIt() {
        OpenClSupport.assume();
        int n = 1 << 16, calls = 60;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i);
        try (LossEngine engine = Profiles.openCl(LaunchConfig.Profile.CPU)) {
            MseLoss none = MseLoss.of(Reduction.NONE);
            List<DeviceTensor> outputs = new ArrayList<>();
            try (DeviceTensor dx = engine.upload(HostTensor.of(x, n))) {
                // Each call: the input on the device, the target uploaded from the host into a pooled buffer that
                // goes back to the pool when the call returns, with its launch still queued (the output stays on
                // the device: no wait). The next call borrows that same buffer for its own target at once.
                for (int c = 0; c < calls; c++) {
                    float[] t = new float[n];
                    java.util.Arrays.fill(t, c);
                    outputs.add((DeviceTensor) engine.compute(none, LossInputs.of("input", dx, "target", HostTensor.of(t, n))).output());
                }
                for (int c = 0; c < calls; c++) {
                    float[] got = outputs.get(c).toHost().floatData();
                    for (int i = 0; i < n; i += 997) {
                        double d = (double) x[i] - c, want = d * d; // another call's target would be 1 or more away
                        assertEquals(want, got[i], 1e-5 + 1e-4 * want, "call " + c + ", element " + i);
                    }
                }
            } finally {
                outputs.forEach(DeviceTensor::close);
            }
        }
    }
}
