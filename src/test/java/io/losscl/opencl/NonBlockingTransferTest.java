package io.losscl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.OpenClSupport;
import io.losscl.Reduction;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.MseLoss;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Small uploads are enqueued without blocking and without JOCL's waiter thread (NonBlockingTransfer), and a
 * call's host-bound results and error flag come back with one host wait (OpenClContext.readResults). Each test
 * runs in both launch profiles: the GPU profile's transfers, and the CPU profile's host-backed buffers
 * (BufferPool) on a CPU device.
 */
class NonBlockingTransferTest {
    @Test
    void jocl205NativeEntryPointsAreFound() {
        assertTrue(NonBlockingTransfer.direct(), "CL.clEnqueue{Write,Read}BufferNative not found: every small transfer would wake a JOCL thread");
    }

    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void stagedUploadsArrive(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        try (LossEngine engine = Profiles.openCl(profile)) {
            MseLoss mse = MseLoss.of(Reduction.SUM);
            // Many calls with distinct host inputs, several staged uploads between two host waits: every value arrives.
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
        }
    }

    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void directBufferTensorsGoThroughTheStagingBuffersBothWays(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        int n = 1000;
        java.nio.FloatBuffer src = Profiles.directFloats(n, Math::sin);
        long[] ints = new long[n];
        for (int i = 0; i < n; i++) ints[i] = 3L * i - 7;
        try (LossEngine engine = Profiles.openCl(profile)) {
            OpenClContext cl = ((OpenClBackend) engine.backend()).context();
            try (DeviceBuffer a = cl.borrow(4L * n); DeviceBuffer b = cl.borrow(8L * n)) {
                // the staged upload of a direct buffer (what a GPU gets; a CPU device maps it instead)
                cl.write(a, HostTensor.of(src, n));
                cl.write(b, HostTensor.of(ints, n));
                java.nio.FloatBuffer back = Profiles.directFloats(n, i -> 0);
                long[] intsBack = new long[n];
                assertEquals(CallScope.NO_ERROR, cl.readResults(null, List.of(a, b), List.of(HostTensor.of(back, n), HostTensor.of(intsBack, n))));
                for (int i = 0; i < n; i++) assertEquals(src.get(i), back.get(i), "element " + i);
                assertArrayEquals(ints, intsBack);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void hostResultsComeBackTogetherAndEqualTheDeviceResidentOnes(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        int n = 64, c = 100;
        float[] x = new float[n * c];
        long[] y = new long[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(0.37 * i);
        for (int i = 0; i < n; i++) y[i] = (7L * i) % c;
        CrossEntropyLoss ce = CrossEntropyLoss.builder().build();
        try (LossEngine engine = Profiles.openCl(profile)) {
            OpenClBackend b = (OpenClBackend) engine.backend();
            OpenClContext cl = b.context();
            LossInputs host = LossInputs.of("input", HostTensor.of(x, n, c), "target", HostTensor.of(y, n));
            engine.compute(ce, host, "input");
            long before = cl.commandsIssued();
            LossResult r = engine.compute(ce, host, "input");
            List<String> issued = cl.recentCommands().subList(cl.recentCommands().size() - (int) (cl.commandsIssued() - before), cl.recentCommands().size());
            if (cl.hostBackedBuffers()) {
                // host-backed: the inputs copied in, the results copied out after one clFinish: the launch alone
                assertEquals(List.of("launch class_rows(cross_entropy)"), issued);
            } else {
                // the output and the gradient: two reads enqueued without a wait, then one wait for both
                assertEquals(List.of("read 4 bytes (staged)", "read " + 4 * n * c + " bytes (staged)"), issued.subList(issued.size() - 2, issued.size()), issued.toString());
            }
            try (DeviceTensor dx = b.upload(HostTensor.of(x, n, c)); DeviceTensor dy = b.upload(HostTensor.of(y, n))) {
                LossResult d = engine.compute(ce, LossInputs.of("input", dx, "target", dy), "input");
                assertEquals(d.scalar(), r.scalar(), 0.0);
                float[] got = (float[]) io.losscl.Backend.storage(r.grad("input").toHost());
                float[] want = (float[]) io.losscl.Backend.storage(d.grad("input").toHost());
                assertArrayEquals(want, got);
                ((DeviceTensor) d.output()).close();
                ((DeviceTensor) d.grad("input")).close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void aFlaggedCallLeavesTheCallersArraysUntouched(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        int n = 32, c = 10;
        float[] x = new float[n * c];
        long[] bad = new long[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.cos(i);
        for (int i = 0; i < n; i++) bad[i] = i % c;
        bad[9] = c; // out of range: the kernel flags it (the targets live on the device)
        CrossEntropyLoss ce = CrossEntropyLoss.builder().build();
        try (LossEngine engine = Profiles.openCl(profile)) {
            OpenClBackend b = (OpenClBackend) engine.backend();
            try (DeviceTensor dx = b.upload(HostTensor.of(x, n, c)); DeviceTensor dy = b.upload(HostTensor.of(bad, n))) {
                float[] out = {7f}, grad = new float[n * c];
                Arrays.fill(grad, 7f);
                Map<String, HostTensor> gradsInto = Map.of("input", HostTensor.of(grad, n, c));
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                        () -> engine.computeInto(ce, LossInputs.of("input", dx, "target", dy), HostTensor.of(out), gradsInto));
                assertTrue(e.getMessage().contains("index 9") || e.getMessage().contains("[9]"), e.getMessage());
                assertEquals(7f, out[0]);
                for (float v : grad) assertEquals(7f, v);
            }
        }
    }
}
