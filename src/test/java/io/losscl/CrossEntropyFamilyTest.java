package io.losscl;

import io.losscl.cli.Tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.Entropy;
import io.losscl.loss.KlDivLoss;
import io.losscl.loss.NllLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * cross_entropy, nll_loss, kl_div and entropy: OpenCL against the Java reference on random inputs, over
 * shapes below, at and above a work-group (narrow rows: one work-item per row; wide rows: one work-group per
 * row; K-dimensional layouts), every option, forward and backward; and bad input, rejected before any kernel
 * (or, for device-resident targets, by the kernel's error flag) with the engine still usable after.
 */
class CrossEntropyFamilyTest {
    private static LossEngine java;
    private static LossEngine opencl;

    @BeforeAll
    static void open() {
        java = LossEngine.create(BackendKind.JAVA);
        if (OpenClSupport.available()) opencl = LossEngine.create(BackendKind.OPENCL);
    }

    @AfterAll
    static void close() {
        java.close();
        if (opencl != null) opencl.close();
        if (doubleEngine != null) doubleEngine.close();
    }

    // ---- random inputs ----

    private static HostTensor logits(Random rnd, DType dtype, long... shape) {
        double[] v = new double[(int) Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextGaussian() * 3;
        return HostTensor.fromDoubles(dtype, Shape.of(shape), v);
    }

    private static HostTensor positive(Random rnd, DType dtype, long... shape) {
        double[] v = new double[(int) Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(10) == 0 ? 0 : rnd.nextDouble();
        return HostTensor.fromDoubles(dtype, Shape.of(shape), v);
    }

    /** Class indices in [0, classes), with about one in five set to {@code ignore}. */
    private static HostTensor targets(Random rnd, long classes, long ignore, long... shape) {
        long[] t = new long[(int) Shape.of(shape).numel()];
        for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(5) == 0 ? ignore : rnd.nextInt((int) classes);
        return HostTensor.of(t, shape);
    }

    private static HostTensor weights(Random rnd, long classes) {
        float[] w = new float[(int) classes];
        for (int i = 0; i < w.length; i++) w[i] = 0.25f + rnd.nextFloat() * 2;
        return HostTensor.of(w, classes);
    }

    /** Input shapes (N, C, d...) or (C): tiny, odd, narrow rows with many positions, wide rows, K-dim. */
    private static final long[][] CLASS_SHAPES = {
        {5}, {1, 1}, {7, 3}, {93, 7}, {257, 3}, {3, 1000}, {513, 1000}, {100000, 5}, {4, 5, 13, 31}, {3, 300, 7}, {2, 3, 2, 2, 3}, {2, 32000},
    };

    @TestFactory
    Stream<DynamicTest> crossEntropyIndexTargets() {
        List<DynamicTest> tests = new ArrayList<>();
        Random rnd = new Random(1);
        for (long[] shape : CLASS_SHAPES) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                for (int variant = 0; variant < 3; variant++) {
                    long c = shape.length == 1 ? shape[0] : shape[1];
                    boolean weighted = variant >= 1, smooth = variant == 2;
                    long ignore = variant == 2 ? -1 : -100;
                    HostTensor x = logits(rnd, DType.FLOAT32, shape);
                    HostTensor t = targets(rnd, c, ignore, targetShape(shape));
                    CrossEntropyLoss loss = CrossEntropyLoss.builder().weight(weighted ? weights(rnd, c) : null).ignoreIndex(ignore)
                            .labelSmoothing(smooth ? 0.1 : 0).reduction(red).build();
                    tests.add(DynamicTest.dynamicTest(loss + " " + Shape.of(shape),
                            () -> compare(loss, LossInputs.of("input", x, "target", t), "input")));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> crossEntropyProbabilityTargets() {
        List<DynamicTest> tests = new ArrayList<>();
        Random rnd = new Random(2);
        long[][] shapes = {{5}, {6, 5}, {3, 4, 5, 6}, {64, 700}, {2, 300, 3}};
        for (long[] shape : shapes) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                long c = shape.length == 1 ? shape[0] : shape[1];
                HostTensor x = logits(rnd, DType.FLOAT32, shape), t = positive(rnd, DType.FLOAT32, shape);
                CrossEntropyLoss loss = CrossEntropyLoss.builder().weight(weights(rnd, c)).labelSmoothing(0.2).reduction(red).build();
                tests.add(DynamicTest.dynamicTest(loss + " probs " + Shape.of(shape),
                        () -> compare(loss, LossInputs.of("input", x, "target", t), "input", "target")));
                CrossEntropyLoss plain = CrossEntropyLoss.builder().reduction(red).build();
                tests.add(DynamicTest.dynamicTest(plain + " probs " + Shape.of(shape),
                        () -> compare(plain, LossInputs.of("input", x, "target", t), "input", "target")));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> nllLoss() {
        List<DynamicTest> tests = new ArrayList<>();
        Random rnd = new Random(3);
        for (long[] shape : CLASS_SHAPES) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                long c = shape.length == 1 ? shape[0] : shape[1];
                HostTensor x = logits(rnd, DType.FLOAT32, shape);
                HostTensor t = targets(rnd, c, 0, targetShape(shape));
                NllLoss loss = NllLoss.of(weights(rnd, c), 0, red);
                tests.add(DynamicTest.dynamicTest(loss + " " + Shape.of(shape), () -> compare(loss, LossInputs.of("input", x, "target", t), "input")));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> entropy() {
        List<DynamicTest> tests = new ArrayList<>();
        Random rnd = new Random(4);
        long[][] shapes = {{5}, {1, 1}, {100, 7}, {40, 1000}, {3, 4, 300}, {100000, 3}};
        for (long[] shape : shapes) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                HostTensor l = logits(rnd, DType.FLOAT32, shape), p = positive(rnd, DType.FLOAT32, shape);
                if (p.shape().numel() > 0 && p.floatData()[0] == 0) p.floatData()[0] = 0.5f; // a row of zeros cannot be normalised
                for (int i = 0; i < p.floatData().length; i += (int) shape[shape.length - 1]) p.floatData()[i] += 0.01f;
                Entropy ofLogits = Entropy.ofLogits().reduction(red), ofProbs = Entropy.ofProbs().reduction(red);
                tests.add(DynamicTest.dynamicTest(ofLogits + " " + Shape.of(shape), () -> compare(ofLogits, LossInputs.of("logits", l), "logits")));
                tests.add(DynamicTest.dynamicTest(ofProbs + " " + Shape.of(shape), () -> compare(ofProbs, LossInputs.of("probs", p), "probs")));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> klDiv() {
        List<DynamicTest> tests = new ArrayList<>();
        Random rnd = new Random(5);
        long[][] shapes = {{}, {7}, {513, 1000}, {3, 4, 5}};
        for (long[] shape : shapes) {
            for (Reduction red : Reduction.values()) {
                for (boolean logTarget : new boolean[] {false, true}) {
                    HostTensor x = logits(rnd, DType.FLOAT32, shape);
                    HostTensor t = logTarget ? logits(rnd, DType.FLOAT32, shape) : positive(rnd, DType.FLOAT32, shape);
                    KlDivLoss loss = KlDivLoss.of(red, logTarget);
                    tests.add(DynamicTest.dynamicTest(loss + " " + Shape.of(shape),
                            () -> compare(loss, LossInputs.of("input", x, "target", t), "input", "target")));
                }
            }
        }
        HostTensor x = logits(rnd, DType.FLOAT32, 1, 6), t = positive(rnd, DType.FLOAT32, 5, 6);
        tests.add(DynamicTest.dynamicTest("kl_div broadcast batchmean",
                () -> compare(KlDivLoss.batchmean(), LossInputs.of("input", x, "target", t), "input", "target")));
        return tests.stream();
    }

    @Test
    void float64AllOptions() {
        Random rnd = new Random(6);
        HostTensor x = logits(rnd, DType.FLOAT64, 37, 300), t = targets(rnd, 300, 7, 37);
        compare(CrossEntropyLoss.builder().weight(weights(rnd, 300)).ignoreIndex(7).labelSmoothing(0.3).build(),
                LossInputs.of("input", x, "target", t), "input");
    }

    /**
     * The DOUBLE precision's promise: with double arithmetic (on CPUs the softmax runs on an exp sized for float
     * results, cpu_math16.cl's exp_neg16_f) every float32 loss and gradient element is within one float32 ulp of
     * the float64 answer, for rows kept in the kernel's stash (<= 1024 classes) and rows too wide for it, and
     * logits of every scale. (FLOAT precision is held to the accuracy rule by every other test.)
     */
    @TestFactory
    Stream<DynamicTest> float32SoftmaxWithinOneUlpOfTheExactAnswer() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long[] shape : new long[][] {{300, 37}, {64, 1000}, {16, 5000}}) {
            for (double scale : new double[] {0.1, 3, 30}) {
                tests.add(DynamicTest.dynamicTest(Arrays.toString(shape) + " logits x" + scale, () -> {
                    OpenClSupport.assume();
                    Random rnd = new Random(shape[1] + (long) scale);
                    double[] v = new double[(int) (shape[0] * shape[1])];
                    for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * scale);
                    HostTensor t = targets(rnd, shape[1], -100, shape[0]);
                    Loss loss = CrossEntropyLoss.builder().reduction(Reduction.NONE).build();
                    LossResult want = java.compute(loss, LossInputs.of("input", HostTensor.of(v, shape), "target", t), "input");
                    LossResult got = doublePrecision().compute(loss, LossInputs.of("input", HostTensor.fromDoubles(DType.FLOAT32, Shape.of(shape), v), "target", t), "input");
                    withinOneUlp("loss", want.output().toHost(), got.output().toHost());
                    withinOneUlp("grad", want.grad("input").toHost(), got.grad("input").toHost());
                }));
            }
        }
        return tests.stream();
    }

    private static LossEngine doubleEngine;

    /** This device's launch with DOUBLE precision (whatever LOSSCL_PROFILE says). */
    private static synchronized LossEngine doublePrecision() {
        if (doubleEngine == null) {
            doubleEngine = LossEngine.create(BackendKind.OPENCL, null,
                    io.losscl.opencl.LaunchConfig.overrides().precision(io.losscl.opencl.LaunchConfig.Precision.DOUBLE));
        }
        return doubleEngine;
    }

    private static void withinOneUlp(String what, HostTensor exact, HostTensor got) {
        double worst = 0;
        int at = -1;
        for (int i = 0; i < exact.numel(); i++) {
            double want = exact.getDouble(i);
            double ulps = Math.abs(got.getDouble(i) - want) / Math.ulp((float) want);
            if (!(ulps <= worst)) { worst = ulps; at = i; }
        }
        assertTrue(worst <= 1, what + ": element " + at + " is " + worst + " float32 ulps from the float64 answer");
    }

    private static long[] targetShape(long[] inputShape) {
        if (inputShape.length == 1) return new long[0];
        long[] t = new long[inputShape.length - 1];
        t[0] = inputShape[0];
        System.arraycopy(inputShape, 2, t, 1, inputShape.length - 2);
        return t;
    }

    /** OpenCL against the reference: output and the gradients of {@code grads}, elementwise. */
    private static void compare(Loss loss, LossInputs inputs, String... grads) {
        OpenClSupport.assume();
        LossResult want = java.compute(loss, inputs, grads);
        LossResult got = opencl.compute(loss, inputs, grads);
        same(loss + " output", want.output().toHost(), got.output().toHost());
        for (String g : grads) same(loss + " grad " + g, want.grad(g).toHost(), got.grad(g).toHost());
    }

    private static void same(String what, HostTensor want, HostTensor got) {
        assertEquals(want.shape(), got.shape(), what + ": shape");
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < want.numel(); i++) {
            String why = Tolerance.check(got.getDouble(i), want.getDouble(i));
            if (why != null && bad++ < 5) sb.append(String.format("%n  [%d] got %s want %s: %s", i, got.getDouble(i), want.getDouble(i), why));
        }
        if (bad > 0) fail(what + ": " + bad + " of " + want.numel() + " wrong" + sb);
    }

    // ---- bad input ----

    @Test
    void badInputIsRejectedBeforeAnyKernelAndTheEngineStaysUsable() {
        OpenClSupport.assume();
        HostTensor x = HostTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> opencl.compute(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {0, 3}, 2)), "input"));
        assertTrue(e.getMessage().startsWith("cross_entropy: target 3 at index [1]"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> opencl.compute(NllLoss.of(Reduction.SUM), LossInputs.of("input", x, "target", HostTensor.of(new long[] {-2, 0}, 2))));
        assertTrue(e.getMessage().startsWith("nll_loss: target -2 at index [0]"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> opencl.compute(CrossEntropyLoss.builder().weight(1f, 2f).build(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {0, 1}, 2))));
        assertTrue(e.getMessage().startsWith("cross_entropy: weight"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> opencl.compute(Entropy.ofProbs(), LossInputs.of("probs", HostTensor.of(new float[] {0.5f, -0.1f, 0.6f}, 3))));
        assertTrue(e.getMessage().startsWith("entropy: probs value -0.1"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> CrossEntropyLoss.builder().labelSmoothing(1.5).build());
        assertTrue(e.getMessage().startsWith("cross_entropy: label_smoothing"), e.getMessage());
        // still usable
        LossResult r = opencl.compute(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {0, 2}, 2)), "input");
        assertEquals(java.compute(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {0, 2}, 2))).scalar(), r.scalar(), 1e-6);
    }

    @Test
    void deviceTargetsOutOfRangeAreFoundByTheKernel() {
        OpenClSupport.assume();
        OpenClBackend backend = (OpenClBackend) opencl.backend();
        Random rnd = new Random(7);
        HostTensor x = logits(rnd, DType.FLOAT32, 300, 600);
        long[] t = new long[300];
        for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(600);
        t[123] = 600;
        t[200] = -5;
        HostTensor narrow = logits(rnd, DType.FLOAT32, 4, 3, 5);
        long[] tn = new long[20];
        tn[13] = 3;
        try (DeviceTensor dx = backend.upload(x); DeviceTensor dt = backend.upload(HostTensor.of(t, 300));
             DeviceTensor nx = backend.upload(narrow); DeviceTensor nt = backend.upload(HostTensor.of(tn, 4, 5))) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> opencl.compute(CrossEntropyLoss.of(), LossInputs.of("input", dx, "target", dt), "input"));
            assertTrue(e.getMessage().startsWith("cross_entropy: target 600 at index [123] is out of range [0, 600)"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class,
                    () -> opencl.compute(NllLoss.of(Reduction.NONE), LossInputs.of("input", nx, "target", nt)));
            assertTrue(e.getMessage().startsWith("nll_loss: target 3 at index [2, 3] is out of range [0, 3)"), e.getMessage());
            t[123] = 1;
            t[200] = 2;
            try (DeviceTensor ok = backend.upload(HostTensor.of(t, 300))) {
                LossResult r = opencl.compute(CrossEntropyLoss.of(), LossInputs.of("input", dx, "target", ok), "input");
                double want = java.compute(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", HostTensor.of(t, 300))).scalar();
                assertEquals(want, r.output().toHost().item(), 1e-5);
                ((DeviceTensor) r.output()).close();
                ((DeviceTensor) r.grad("input")).close();
            }
        }
    }

    @Test
    void deviceEntropyInputsAreCheckedByTheKernel() {
        OpenClSupport.assume();
        OpenClBackend backend = (OpenClBackend) opencl.backend();
        float[] p = new float[4 * 500];
        Arrays.fill(p, 0.5f);
        p[3 * 500 + 7] = -1;
        float[] l = new float[6 * 3];
        l[4] = Float.POSITIVE_INFINITY;
        float[] z = {0.2f, 0.3f, 0f, 0f};
        try (DeviceTensor dp = backend.upload(HostTensor.of(p, 4, 500)); DeviceTensor dl = backend.upload(HostTensor.of(l, 6, 3));
             DeviceTensor dz = backend.upload(HostTensor.of(z, 2, 2))) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> opencl.compute(Entropy.ofProbs().reduction(Reduction.SUM), LossInputs.of("probs", dp), "probs"));
            assertTrue(e.getMessage().startsWith("entropy: probs value -1.0 at index [3, 7]"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class, () -> opencl.compute(Entropy.ofLogits(), LossInputs.of("logits", dl)));
            assertTrue(e.getMessage().startsWith("entropy: logits value Infinity at index [1, 1]"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class, () -> opencl.compute(Entropy.ofProbs(), LossInputs.of("probs", dz)));
            assertTrue(e.getMessage().startsWith("entropy: probs row at index [1, 0] sums to 0.0"), e.getMessage());
        }
        // still usable, and valid device input passes the check
        try (DeviceTensor ok = backend.upload(HostTensor.of(new float[] {0.2f, 0.8f}, 2));
             DeviceTensor h = (DeviceTensor) opencl.compute(Entropy.ofProbs(), LossInputs.of("probs", ok)).output()) {
            assertEquals(java.compute(Entropy.ofProbs(), LossInputs.of("probs", HostTensor.of(new float[] {0.2f, 0.8f}, 2))).scalar(),
                    h.toHost().item(), 1e-6);
        }
    }
}
