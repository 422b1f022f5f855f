package io.losscl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.OpenClSupport;
import io.losscl.Tensor;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.MseLoss;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A small call's commands, counted by the context: each is a host-device round trip's worth of latency. Each
 * test runs in both launch profiles: the GPU profile transfers (a discrete GPU's path), the CPU profile on a
 * CPU device copies into host-backed buffers (BufferPool) and so issues no transfer commands at all.
 */
class CommandCountTest {
    private static long launches(List<String> commands) { return commands.stream().filter(c -> c.startsWith("launch")).count(); }

    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void deviceResidentCrossEntropyIsOneLaunch(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        float[] x = new float[32 * 10];
        long[] y = new long[32];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        for (int i = 0; i < y.length; i++) y[i] = i % 10;
        try (LossEngine engine = Profiles.openCl(profile)) {
            OpenClBackend b = (OpenClBackend) engine.backend();
            OpenClContext cl = b.context();
            boolean hostBacked = cl.hostBackedBuffers();
            CrossEntropyLoss ce = CrossEntropyLoss.builder().build();
            try (DeviceTensor dx = b.upload(HostTensor.of(x, 32, 10)); DeviceTensor dy = b.upload(HostTensor.of(y, 32))) {
                LossInputs in = LossInputs.of("input", dx, "target", dy);
                double want = engine.compute(ce, LossInputs.of("input", HostTensor.of(x, 32, 10), "target", HostTensor.of(y, 32))).scalar();
                for (int call = 0; call < 3; call++) {
                    long before = cl.commandsIssued();
                    LossResult r = engine.compute(ce, in, "input");
                    List<String> issued = last(cl, before);
                    double loss = r.scalar();
                    assertEquals(want, loss, 0.0, "the single-pass sum is bitwise the two-pass one");
                    // One launch computes the loss, the gradient and the mean (no second reduction launch).
                    assertEquals(1, launches(issued), issued.toString());
                    // The rest is the device error flag (targets live on the device, so the kernel checks them):
                    // its read (none where it is host-backed: the call's clFinish, then a copy), and on the
                    // engine's first checked call its initialisation (a call that reads it back clear leaves it
                    // clear): at most two commands per call from then on.
                    assertEquals((call == 0 ? 3 : 2) - (hostBacked ? 1 : 0), issued.size(), issued.toString());
                    assertTrue(issued.size() <= 2 || call == 0, issued.toString());
                    if (!hostBacked) assertEquals("read error flag", issued.get(issued.size() - 1), issued.toString());
                    close(r.output());
                    close(r.grad("input"));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void aFlaggedCallLeavesTheErrorFlagToBeFilledAgain(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        float[] x = new float[32 * 10];
        long[] good = new long[32], bad = new long[32];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.cos(i);
        for (int i = 0; i < good.length; i++) good[i] = bad[i] = i % 10;
        bad[5] = 10;
        try (LossEngine engine = Profiles.openCl(profile)) {
            OpenClBackend b = (OpenClBackend) engine.backend();
            OpenClContext cl = b.context();
            CrossEntropyLoss ce = CrossEntropyLoss.builder().build();
            double want = engine.compute(ce, LossInputs.of("input", HostTensor.of(x, 32, 10), "target", HostTensor.of(good, 32))).scalar();
            try (DeviceTensor dx = b.upload(HostTensor.of(x, 32, 10)); DeviceTensor dGood = b.upload(HostTensor.of(good, 32));
                 DeviceTensor dBad = b.upload(HostTensor.of(bad, 32))) {
                assertEquals(want, engine.compute(ce, LossInputs.of("input", dx, "target", dGood)).scalar(), 0.0);
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                        () -> engine.compute(ce, LossInputs.of("input", dx, "target", dBad)));
                assertTrue(e.getMessage().contains("10"), e.getMessage());
                for (int call = 0; call < 2; call++) {
                    long before = cl.commandsIssued();
                    assertEquals(want, engine.compute(ce, LossInputs.of("input", dx, "target", dGood)).scalar(), 0.0);
                    // The flagged call left its index in the flag: the next call fills it again, the one after needs not.
                    assertEquals(call == 0, last(cl, before).contains("fill 1 ints"), last(cl, before).toString());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void hostMseIsUploadsOneLaunchAndOneRead(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        float[] a = new float[4096], t = new float[4096];
        for (int i = 0; i < a.length; i++) { a[i] = (float) Math.sin(i); t[i] = (float) Math.cos(i); }
        try (LossEngine engine = Profiles.openCl(profile)) {
            OpenClContext cl = ((OpenClBackend) engine.backend()).context();
            LossInputs in = LossInputs.of("input", HostTensor.of(a, 4096), "target", HostTensor.of(t, 4096));
            engine.compute(MseLoss.mean(), in).scalar();
            long before = cl.commandsIssued();
            engine.compute(MseLoss.mean(), in).scalar();
            List<String> issued = last(cl, before);
            assertEquals(cl.hostBackedBuffers() ? List.of("launch elementwise_loss(mse_loss)")
                    : List.of("write 16384 bytes (staged)", "write 16384 bytes (staged)", "launch elementwise_loss(mse_loss)", "read 4 bytes"), issued);
        }
    }

    /** A kernel keeps its arguments between launches: a call like the one before sets none of them again. */
    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void aRepeatedCallSetsNoKernelArgumentAgain(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        float[] x = new float[64 * 100], other = new float[64 * 100];
        long[] y = new long[64];
        for (int i = 0; i < x.length; i++) { x[i] = (float) Math.sin(i); other[i] = (float) Math.cos(i); }
        for (int i = 0; i < y.length; i++) y[i] = (3L * i) % 100;
        CrossEntropyLoss ce = CrossEntropyLoss.builder().build();
        try (LossEngine engine = Profiles.openCl(profile)) {
            LossInputs in = LossInputs.of("input", HostTensor.of(x, 64, 100), "target", HostTensor.of(y, 64));
            LossInputs otherIn = LossInputs.of("input", HostTensor.of(other, 64, 100), "target", HostTensor.of(y, 64));
            double want = engine.compute(ce, in, "input").scalar();
            double wantOther = engine.compute(ce, otherIn, "input").scalar();
            List<String> calls = new java.util.ArrayList<>();
            ClCalls.injectFaults(what -> {
                calls.add(what);
                return 0;
            });
            try {
                // Same shapes, other values: the same pooled buffers, so the same arguments; the results still differ.
                assertEquals(want, engine.compute(ce, in, "input").scalar(), 0.0);
                assertEquals(wantOther, engine.compute(ce, otherIn, "input").scalar(), 0.0);
                assertTrue(calls.stream().noneMatch(c -> c.startsWith("clSetKernelArg")), calls.toString());
                // A call of another size sets what differs, and its result is right.
                calls.clear();
                LossInputs half = LossInputs.of("input", HostTensor.of(java.util.Arrays.copyOf(x, 32 * 100), 32, 100),
                        "target", HostTensor.of(java.util.Arrays.copyOf(y, 32), 32));
                double wantHalf;
                try (LossEngine java = LossEngine.create(io.losscl.BackendKind.JAVA)) {
                    wantHalf = java.compute(ce, half).scalar();
                }
                assertEquals(wantHalf, engine.compute(ce, half, "input").scalar(), 1e-5 + 1e-4 * Math.abs(wantHalf));
                assertTrue(calls.stream().anyMatch(c -> c.startsWith("clSetKernelArg")), calls.toString());
            } finally {
                ClCalls.injectFaults(null);
            }
        }
    }

    /** Small direct-buffer inputs go through pooled buffers: a repeated call creates no memory object. */
    @ParameterizedTest
    @EnumSource(LaunchConfig.Profile.class)
    void smallDirectBufferInputsCreateNoBufferPerCall(LaunchConfig.Profile profile) {
        OpenClSupport.assume();
        int n = 4096;
        java.nio.FloatBuffer a = Profiles.directFloats(n, Math::sin), t = Profiles.directFloats(n, Math::cos);
        double want = 0;
        for (int i = 0; i < n; i++) want += ((double) a.get(i) - t.get(i)) * ((double) a.get(i) - t.get(i)) / n;
        try (LossEngine engine = Profiles.openCl(profile)) {
            LossInputs in = LossInputs.of("input", HostTensor.of(a, n), "target", HostTensor.of(t, n));
            engine.compute(MseLoss.mean(), in).scalar();
            List<String> calls = new java.util.ArrayList<>();
            ClCalls.injectFaults(what -> {
                calls.add(what);
                return 0;
            });
            try {
                assertEquals(want, engine.compute(MseLoss.mean(), in).scalar(), 1e-5 + 1e-4 * want);
            } finally {
                ClCalls.injectFaults(null);
            }
            assertTrue(calls.stream().noneMatch(c -> c.startsWith("clCreateBuffer")), calls.toString());
        }
    }

    private static List<String> last(OpenClContext cl, long before) {
        List<String> recent = cl.recentCommands();
        int n = (int) (cl.commandsIssued() - before);
        return recent.subList(recent.size() - n, recent.size());
    }

    private static void close(Tensor t) {
        if (t instanceof DeviceTensor) ((DeviceTensor) t).close();
    }
}
