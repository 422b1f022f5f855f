package io.losscl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.BackendKind;
import io.losscl.HostTensor;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.OpenClSupport;
import io.losscl.loss.MseLoss;
import org.junit.jupiter.api.Test;

/** Small uploads are enqueued without blocking and without JOCL's waiter thread (NonBlockingWrite), and arrive. */
class NonBlockingWriteTest {
    @Test
    void jocls2_0_5NativeEntryPointIsFound() {
        assertTrue(NonBlockingWrite.direct(), "CL.clEnqueueWriteBufferNative not found: every small upload would wake a JOCL thread");
    }

    @Test
    void stagedUploadsArrive() {
        OpenClSupport.assume();
        try (LossEngine engine = LossEngine.create(BackendKind.OPENCL)) {
            OpenClContext cl = ((OpenClBackend) engine.backend()).context();
            MseLoss mse = MseLoss.of(io.losscl.Reduction.SUM);
            // Many calls with distinct host inputs, each a few staged uploads, several between two blocking reads
            // of the staging space's reuse: every value must arrive.
            for (int call = 0; call < 200; call++) {
                float[] x = new float[17 + call], y = new float[17 + call];
                double want = 0;
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) Math.sin(call + i);
                    y[i] = (float) Math.cos(3 * i - call);
                    want += ((double) x[i] - y[i]) * ((double) x[i] - y[i]);
                }
                LossInputs in = LossInputs.of("input", HostTensor.of(x, x.length), "target", HostTensor.of(y, y.length));
                assertEquals(want, engine.compute(mse, in).scalar(), 1e-5 + 1e-4 * want, "call " + call);
            }
            assertTrue(cl.commandsIssued() > 0);
        }
    }
}
