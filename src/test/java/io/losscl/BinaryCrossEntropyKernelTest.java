package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.BinaryCrossEntropyFamily;
import io.losscl.loss.BinaryCrossEntropyLoss;
import io.losscl.loss.BinaryCrossEntropyWithLogitsLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * binary_cross_entropy and binary_cross_entropy_with_logits: OpenCL against the Java reference on
 * random inputs, over shapes (tiny, odd, larger than a work-group, 100k, 513 x 1000), every weight /
 * pos_weight broadcast rule the kernel distinguishes, every reduction, forward and both gradients;
 * then bad input.
 */
class BinaryCrossEntropyKernelTest {
    private static LossEngine cl;
    private static LossEngine java;

    @BeforeAll
    static void open() { java = LossEngine.create(BackendKind.JAVA); }

    @AfterAll
    static void close() {
        if (cl != null) cl.close();
        java.close();
    }

    private static LossEngine opencl() {
        OpenClSupport.assume();
        if (cl == null) cl = LossEngine.create(BackendKind.OPENCL);
        return cl;
    }

    /** shape, weight shape (null: none), pos_weight shape (null: none). */
    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        long[][] shapes = {{}, {1}, {7}, {3, 4}, {65, 3}, {100_000}, {2, 3, 5}};
        for (long[] s : shapes) {
            a.add(Arguments.of(s, null, null));
            a.add(Arguments.of(s, s, s));                            // same shape: index i
            a.add(Arguments.of(s, s.length == 0 ? new long[0] : new long[] {1}, new long[0])); // scalar
            if (s.length >= 1) a.add(Arguments.of(s, new long[] {s[s.length - 1]}, new long[] {s[s.length - 1]})); // [C]: i % C
        }
        a.add(Arguments.of(new long[] {513, 1000}, new long[] {513, 1}, new long[] {1, 1000})); // general / trailing
        a.add(Arguments.of(new long[] {2, 3, 5}, new long[] {3, 1}, new long[] {2, 1, 5}));     // general
        a.add(Arguments.of(new long[] {2, 3, 5}, new long[] {1, 3, 5}, new long[] {3, 5}));    // trailing with a leading 1
        return a.stream();
    }

    private static HostTensor probabilities(Random rnd, long... shape) {
        HostTensor t = KernelCheck.uniform(rnd, DType.FLOAT32, 0, 1, shape);
        float[] f = t.floatData();
        // Exact 0 and 1 exercise the -100 clamp and the EPSILON floor of the gradient.
        if (f.length > 3) { f[1] = 0; f[2] = 1; f[3] = 1e-30f; }
        return t;
    }

    private static HostTensor logits(Random rnd, long... shape) {
        HostTensor t = KernelCheck.uniform(rnd, DType.FLOAT32, -8, 8, shape);
        float[] f = t.floatData();
        if (f.length > 3) { f[1] = 1e4f; f[2] = -1e4f; f[3] = 90f; }
        return t;
    }

    private static HostTensor opt(Random rnd, long[] shape, double lo, double hi) {
        return shape == null ? null : KernelCheck.uniform(rnd, DType.FLOAT32, lo, hi, shape);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void probabilitiesMatchReference(long[] shape, long[] wShape, long[] pwShape) {
        LossEngine engine = opencl();
        Random rnd = new Random(shape.length * 1000L + (shape.length > 0 ? shape[0] : 0));
        HostTensor x = probabilities(rnd, shape);
        HostTensor y = KernelCheck.uniform(rnd, DType.FLOAT32, -0.2, 1.2, shape); // soft and out-of-range targets are allowed
        HostTensor w = opt(rnd, wShape, 0, 2);
        for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
            BinaryCrossEntropyLoss loss = BinaryCrossEntropyLoss.builder().weight(w).reduction(r).build();
            check(engine, loss, x, y);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void logitsMatchReference(long[] shape, long[] wShape, long[] pwShape) {
        LossEngine engine = opencl();
        Random rnd = new Random(7 + shape.length * 1000L + (shape.length > 0 ? shape[0] : 0));
        HostTensor x = logits(rnd, shape);
        HostTensor y = KernelCheck.uniform(rnd, DType.FLOAT32, -0.2, 1.2, shape);
        HostTensor w = opt(rnd, wShape, 0, 2);
        HostTensor pw = opt(rnd, pwShape, -1, 3);
        for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
            check(engine, BinaryCrossEntropyWithLogitsLoss.builder().weight(w).posWeight(pw).reduction(r).build(), x, y);
            // weight alone, and pos_weight alone
            check(engine, BinaryCrossEntropyWithLogitsLoss.builder().posWeight(pw).reduction(r).build(), x, y);
        }
    }

    @Test
    void float64AndMixedWeightDtype() {
        LossEngine engine = opencl();
        Random rnd = new Random(3);
        HostTensor x = KernelCheck.uniform(rnd, DType.FLOAT64, 0, 1, 33, 101);
        HostTensor y = KernelCheck.uniform(rnd, DType.FLOAT64, 0, 1, 33, 101);
        HostTensor w = KernelCheck.uniform(rnd, DType.FLOAT32, 0, 1, 101);  // converted to the input's dtype
        check(engine, BinaryCrossEntropyLoss.builder().weight(w).build(), x, y);
        check(engine, BinaryCrossEntropyWithLogitsLoss.builder().weight(w).posWeight(w).reduction(Reduction.SUM).build(), x, y);
    }

    private static void check(LossEngine engine, BinaryCrossEntropyFamily loss, HostTensor x, HostTensor y) {
        LossInputs in = LossInputs.of("input", x, "target", y);
        String what = loss + " " + x.shape();
        KernelCheck.same(what, java.compute(loss, in, "input", "target"), engine.compute(loss, in, "input", "target"));
        if (x.numel() < 10_000) KernelCheck.same(what + " (input grad only)", java.compute(loss, in, "input"), engine.compute(loss, in, "input"));
        KernelCheck.same(what + " (forward only)", java.compute(loss, in), engine.compute(loss, in));
    }

    @Test
    void sixteenBitStorage() {
        LossEngine engine = opencl();
        Random rnd = new Random(16);
        for (DType dt : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            double rel = dt == DType.FLOAT16 ? 2e-3 : 1.6e-2;
            HostTensor x = KernelCheck.uniform(rnd, dt, 0.01, 0.99, 37, 19);
            HostTensor z = KernelCheck.uniform(rnd, dt, -6, 6, 37, 19);
            HostTensor y = KernelCheck.uniform(rnd, dt, 0, 1, 37, 19);
            HostTensor w = KernelCheck.uniform(rnd, dt, 0, 2, 19); // option tensors are used in the input's dtype
            for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN}) {
                BinaryCrossEntropyFamily a = BinaryCrossEntropyLoss.builder().weight(w).reduction(r).build();
                BinaryCrossEntropyFamily b = BinaryCrossEntropyWithLogitsLoss.builder().posWeight(w).reduction(r).build();
                LossInputs pin = LossInputs.of("input", x, "target", y), lin = LossInputs.of("input", z, "target", y);
                KernelCheck.close16(a + " " + dt, java.compute(a, pin, "input", "target"), engine.compute(a, pin, "input", "target"), rel);
                KernelCheck.close16(b + " " + dt, java.compute(b, lin, "input", "target"), engine.compute(b, lin, "input", "target"), rel);
            }
        }
    }

    @Test
    void deviceResidentInputIsRangeCheckedOnTheDevice() {
        LossEngine engine = opencl();
        io.losscl.opencl.OpenClBackend backend = (io.losscl.opencl.OpenClBackend) engine.backend();
        float[] x = new float[100_003];
        Arrays.fill(x, 0.25f);
        x[77_777] = -0.5f;
        x[99_999] = 2f;
        HostTensor y = HostTensor.of(new float[x.length], x.length);
        try (io.losscl.opencl.DeviceTensor dx = backend.upload(HostTensor.of(x, x.length))) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> engine.compute(BinaryCrossEntropyLoss.mean(), LossInputs.of("input", dx, "target", y), "input"));
            assertEquals("binary_cross_entropy: input -0.5 at index [77777] is outside [0, 1] (all elements of input should be between 0 and 1)", e.getMessage());
        }
        x[77_777] = 0.5f;
        x[99_999] = 0.5f;
        try (io.losscl.opencl.DeviceTensor dx = backend.upload(HostTensor.of(x, x.length))) {
            LossResult r = engine.compute(BinaryCrossEntropyLoss.builder().reduction(Reduction.SUM).build(), LossInputs.of("input", dx, "target", y));
            assertEquals(-(x.length - 2) * Math.log(0.75) - 2 * Math.log(0.5), r.scalar(), 1e-2);
            ((io.losscl.opencl.DeviceTensor) r.output()).close();
        }
    }

    static Stream<BackendKind> backends() { return Stream.of(BackendKind.JAVA, BackendKind.OPENCL); }

    @ParameterizedTest
    @MethodSource("backends")
    void badInputIsRejectedBeforeAnyKernelAndTheEngineStaysUsable(BackendKind kind) {
        LossEngine engine = kind == BackendKind.OPENCL ? opencl() : java;
        HostTensor y = HostTensor.of(new float[] {1, 0, 1}, 3);
        BinaryCrossEntropyLoss bce = BinaryCrossEntropyLoss.mean();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> engine.compute(bce, LossInputs.of("input", HostTensor.of(new float[] {0.5f, 1.5f, 0.2f}, 3), "target", y), "input"));
        assertEquals("binary_cross_entropy: input 1.5 at index [1] is outside [0, 1] (all elements of input should be between 0 and 1)", e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> engine.compute(bce, LossInputs.of("input", HostTensor.of(new float[] {0.5f, Float.NaN, 0.2f}, 3), "target", y)));
        assertTrue(e.getMessage().startsWith("binary_cross_entropy: input NaN at index [1]"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> engine.compute(bce, LossInputs.of("input", HostTensor.of(new float[] {0.5f, 0.5f}, 2), "target", y)));
        assertTrue(e.getMessage().startsWith("binary_cross_entropy: target of shape [3] must have the same shape as input [2]"), e.getMessage());
        HostTensor x = HostTensor.of(new float[] {0.5f, 0.25f, 0.75f}, 3);
        e = assertThrows(InvalidArgumentException.class, () -> engine.compute(
                BinaryCrossEntropyWithLogitsLoss.builder().posWeight(HostTensor.of(new float[] {1, 2}, 2)).build(),
                LossInputs.of("input", x, "target", y)));
        assertTrue(e.getMessage().startsWith("binary_cross_entropy_with_logits: pos_weight of shape [2] cannot be broadcast"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> engine.compute(
                BinaryCrossEntropyLoss.builder().weight(HostTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)).build(),
                LossInputs.of("input", x, "target", y)));
        assertTrue(e.getMessage().startsWith("binary_cross_entropy: weight of shape [2, 3] cannot be broadcast"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> engine.compute(bce,
                LossInputs.of("input", x, "target", HostTensor.of(new long[] {1, 0, 1}, 3))));
        assertTrue(e.getMessage().startsWith("binary_cross_entropy: target must be a floating-point tensor"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> engine.compute(bce,
                LossInputs.of("input", x, "target", HostTensor.of(new double[] {1, 0, 1}, 3))));
        assertTrue(e.getMessage().startsWith("binary_cross_entropy: target is float64 but input is float32"), e.getMessage());
        // still usable: -(log .5 + log .75 + log .75) / 3
        LossResult r = engine.compute(bce, LossInputs.of("input", x, "target", y), "input");
        assertEquals(-(Math.log(0.5) + Math.log(0.75) + Math.log(0.75)) / 3, r.scalar(), 1e-6);
    }
}
