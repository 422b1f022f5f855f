package io.losscl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.cli.Tolerance;
import io.losscl.loss.BinaryCrossEntropyWithLogitsLoss;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.KlDivLoss;
import io.losscl.loss.MseLoss;
import io.losscl.loss.MultiMarginLoss;
import io.losscl.loss.NllLoss;
import io.losscl.loss.TripletMarginLoss;
import io.losscl.opencl.OpenClBackend;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An engine over several devices ({@link MultiDeviceBackend}): for every split of the rows (fixed by setting the
 * speed estimates), the loss and the gradient are bitwise those of the same engine kind over one device, and
 * within the accuracy rule of a plain single-device call. OpenCL: two sub-devices of the POCL device
 * ({@code clCreateSubDevices}) and two engines on one device; the Java reference as well.
 */
class MultiDeviceTest {
    private static final int N = 37, C = 11;
    /** Speed estimates: equal, uneven both ways, everything on one device. */
    private static final double[][] SPEEDS = {{1, 1}, {1, 3}, {5, 1}, {1, 1e-9}, {1e-9, 1}};

    private static List<Case> cases() {
        Random r = new Random(13);
        float[] logits = gaussian(r, N * C, 3);
        long[] labels = new long[N];
        for (int i = 0; i < N; i++) labels[i] = i % 7 == 3 ? -100 : r.nextInt(C);
        long[] classes = labels.clone();
        for (int i = 0; i < N; i++) if (classes[i] < 0) classes[i] = 0;
        float[] weight = new float[C];
        for (int c = 0; c < C; c++) weight[c] = 0.25f + r.nextFloat();
        float[] probs = new float[N * C];
        for (int i = 0; i < N * C; i++) probs[i] = r.nextFloat();
        HostTensor x = HostTensor.of(logits, N, C), y = HostTensor.of(gaussian(r, N * C, 1), N, C);
        LossInputs ce = LossInputs.of("input", x, "target", HostTensor.of(labels, N));
        return List.of(
                new Case(CrossEntropyLoss.builder().weight(weight).labelSmoothing(0.1).build(), ce, "input"),
                new Case(CrossEntropyLoss.builder().reduction(Reduction.SUM).build(), ce, "input"),
                new Case(CrossEntropyLoss.builder().reduction(Reduction.NONE).build(), ce, "input"),
                new Case(NllLoss.of(HostTensor.of(weight, C), -100, Reduction.MEAN), ce, "input"),
                new Case(MseLoss.of(Reduction.MEAN), LossInputs.of("input", x, "target", y), "input", "target"),
                new Case(KlDivLoss.batchmean(), LossInputs.of("input", y, "target", HostTensor.of(probs, N, C)), "input"),
                new Case(BinaryCrossEntropyWithLogitsLoss.mean(), LossInputs.of("input", x, "target", HostTensor.of(probs, N, C)), "input"),
                new Case(MultiMarginLoss.builder().p(2).build(), LossInputs.of("input", x, "target", HostTensor.of(classes, N)), "input"),
                new Case(TripletMarginLoss.builder().build(), LossInputs.of("anchor", x, "positive", y, "negative",
                        HostTensor.of(gaussian(r, N * C, 1), N, C)), "anchor", "positive"));
    }

    @Test
    void javaReferenceOnTwoBackendsIsBitwiseOneBackend() {
        try (LossEngine one = LossEngine.onBackends(List.of(new io.losscl.reference.ReferenceBackend()));
             LossEngine two = LossEngine.onBackends(List.of(new io.losscl.reference.ReferenceBackend(), new io.losscl.reference.ReferenceBackend()));
             LossEngine plain = LossEngine.create(BackendKind.JAVA)) {
            check(one, two, plain);
        }
    }

    @Test
    void twoSubDevicesAreBitwiseOneDevice() {
        OpenClSupport.assume();
        try (LossEngine one = LossEngine.onDevices((String) null);
             LossEngine two = LossEngine.onSubDevices(null, 2);
             LossEngine plain = LossEngine.create(BackendKind.OPENCL)) {
            check(one, two, plain);
        }
    }

    @Test
    void twoEnginesOnOneDeviceAreBitwiseOneDevice() {
        OpenClSupport.assume();
        try (LossEngine one = LossEngine.onDevices((String) null);
             LossEngine two = LossEngine.onDevices(null, null);
             LossEngine plain = LossEngine.create(BackendKind.OPENCL)) {
            check(one, two, plain);
        }
    }

    /** A {@code reproducible} engine on one device gives bitwise what any multi-device engine gives. */
    @Test
    void reproducibleEngineIsBitwiseTwoSubDevices() {
        OpenClSupport.assume();
        try (LossEngine one = LossEngine.create(EngineOptions.builder().backend(BackendKind.OPENCL).reproducible(true).build());
             LossEngine two = LossEngine.onSubDevices(null, 2);
             LossEngine plain = LossEngine.create(BackendKind.OPENCL)) {
            check(one, two, plain);
        }
    }

    @Test
    void reproducibleEngineIsBitwiseThreeEnginesOnOneDevice() {
        OpenClSupport.assume();
        try (LossEngine one = LossEngine.create(EngineOptions.builder().backend(BackendKind.AUTO).reproducible(true).build());
             LossEngine three = LossEngine.onDevices(null, null, null);
             LossEngine plain = LossEngine.create(BackendKind.OPENCL)) {
            check(one, three, plain);
        }
    }

    @Test
    void reproducibleJavaEngineIsBitwiseTwoBackends() {
        try (LossEngine one = LossEngine.create(EngineOptions.builder().backend(BackendKind.JAVA).reproducible(true).build());
             LossEngine two = LossEngine.onBackends(List.of(new io.losscl.reference.ReferenceBackend(), new io.losscl.reference.ReferenceBackend()));
             LossEngine plain = LossEngine.create(BackendKind.JAVA)) {
            check(one, two, plain);
        }
    }

    /** Device tensors on a reproducible engine: uploaded to its device and reduced there, as a plain engine does. */
    @Test
    void reproducibleEngineTakesDeviceTensors() {
        OpenClSupport.assume();
        Case c = cases().get(0);
        try (LossEngine exact = LossEngine.create(EngineOptions.builder().backend(BackendKind.OPENCL).reproducible(true).build());
             LossEngine plain = LossEngine.create(BackendKind.OPENCL);
             io.losscl.opencl.DeviceTensor x = exact.upload(c.inputs.get("input").toHost());
             io.losscl.opencl.DeviceTensor t = exact.upload(c.inputs.get("target").toHost())) {
            LossResult want = plain.compute(c.loss, c.inputs, "input");
            LossResult got = exact.compute(c.loss, LossInputs.of("input", x, "target", t), "input");
            assertArrayEquals(bits(want.output().toHost()), bits(got.output().toHost()), "output: the device's own reduction");
            assertArrayEquals(bits(want.grad("input").toHost()), bits(got.grad("input").toHost()), "gradient");
        }
    }

    /** EngineOptions.devices: LossEngine.create over a device list is the multi-device engine onDevices makes. */
    @Test
    void createWithADeviceListIsBitwiseOneDevice() {
        OpenClSupport.assume();
        try (LossEngine one = LossEngine.onDevices((String) null);
             LossEngine two = LossEngine.create(EngineOptions.builder().backend(BackendKind.AUTO).devices("0", "0").build());
             LossEngine plain = LossEngine.create(BackendKind.OPENCL)) {
            assertTrue(two.backendName().startsWith("devices[opencl:"), two.backendName());
            check(one, two, plain);
        }
    }

    /** EngineOptions.allGpus: every GPU the platforms list; without one, OPENCL fails and AUTO runs the reference. */
    @Test
    void allGpusTakesEveryGpuOrSaysThereIsNone() {
        OpenClSupport.assume();
        List<String> gpus = OpenClBackend.gpuSelectors();
        if (gpus.isEmpty()) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> LossEngine.create(EngineOptions.builder().backend(BackendKind.OPENCL).allGpus().build()));
            assertTrue(e.getMessage().contains("no OpenCL GPU"), e.getMessage());
            try (LossEngine auto = LossEngine.create(EngineOptions.builder().backend(BackendKind.AUTO).allGpus().build())) {
                assertEquals("java", auto.backendName());
            }
        } else {
            try (LossEngine all = LossEngine.create(EngineOptions.builder().backend(BackendKind.OPENCL).allGpus().build())) {
                assertEquals(gpus.size(), ((MultiDeviceBackend) all.backend()).speeds().length, all.backendName());
            }
        }
    }

    @Test
    void subDevicesAreRealSubDevices() {
        OpenClSupport.assume();
        List<OpenClBackend> subs = OpenClBackend.openSubDevices(null, 2, LaunchProperties.read());
        try {
            assertEquals(2, subs.size());
            try (OpenClBackend whole = OpenClBackend.open(null, LaunchProperties.read())) {
                for (OpenClBackend s : subs) assertEquals(whole.device().computeUnits() / 2, s.device().computeUnits());
            }
        } finally {
            subs.forEach(OpenClBackend::close);
        }
    }

    @Test
    void gradientLandsInTheCallersTensorAndSpeedsAreMeasured() {
        try (LossEngine two = LossEngine.onBackends(List.of(new io.losscl.reference.ReferenceBackend(), new io.losscl.reference.ReferenceBackend()))) {
            Case c = cases().get(0);
            HostTensor dst = HostTensor.zeros(DType.FLOAT32, c.inputs.get("input").shape());
            LossResult r = two.computeInto(c.loss, c.inputs, Map.of("input", dst));
            assertSame(dst, r.grad("input"));
            double[] speeds = ((MultiDeviceBackend) two.backend()).speeds();
            for (double s : speeds) if (s == 1.0) fail("speed estimates not updated: " + java.util.Arrays.toString(speeds));
        }
    }

    private static void check(LossEngine one, LossEngine two, LossEngine plain) {
        MultiDeviceBackend multi = (MultiDeviceBackend) two.backend();
        multi.measuring(false);
        for (Case c : cases()) {
            LossResult want = one.compute(c.loss, c.inputs, c.grads);
            LossResult single = plain.compute(c.loss, c.inputs, c.grads);
            assertClose(c + " output", single.output().toHost(), want.output().toHost());
            for (String g : c.grads) assertClose(c + " grad " + g, single.grad(g).toHost(), want.grad(g).toHost());
            for (double[] speeds : SPEEDS) {
                double[] split = java.util.Arrays.copyOf(speeds, multi.speeds().length);
                for (int d = speeds.length; d < split.length; d++) split[d] = 2;   /* a third device: a third share */
                multi.speeds(split);
                LossResult got = two.compute(c.loss, c.inputs, c.grads);
                String where = c + " split by speeds " + java.util.Arrays.toString(speeds);
                assertArrayEquals(bits(want.output().toHost()), bits(got.output().toHost()), where + ": output");
                for (String g : c.grads) assertArrayEquals(bits(want.grad(g).toHost()), bits(got.grad(g).toHost()), where + ": grad " + g);
            }
        }
    }

    private static long[] bits(HostTensor t) {
        double[] v = t.toDoubleArray();
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Double.doubleToLongBits(v[i]);
        return b;
    }

    private static void assertClose(String what, HostTensor want, HostTensor got) {
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        assertEquals(w.length, g.length, what);
        for (int i = 0; i < w.length; i++) {
            String why = Tolerance.check(g[i], w[i]);
            if (why != null) fail(what + " [" + i + "]: " + g[i] + " vs single call " + w[i] + ": " + why);
        }
    }

    private static float[] gaussian(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    private static final class Case {
        final Loss loss;
        final LossInputs inputs;
        final String[] grads;

        Case(Loss loss, LossInputs inputs, String... grads) {
            this.loss = loss;
            this.inputs = inputs;
            this.grads = grads;
        }

        @Override public String toString() { return loss.toString(); }
    }
}
