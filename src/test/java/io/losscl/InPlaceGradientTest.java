package io.losscl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.MseLoss;
import io.losscl.loss.NllLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link LossEngine#computeGradientInPlace}: the gradient written over the device-resident logits must be
 * bitwise the gradient of the normal call (which writes a separate buffer), the loss too; the result's
 * gradient is the input tensor itself; unsupported losses, inputs and backends are refused before any work.
 */
class InPlaceGradientTest {
    private static LossEngine opencl;

    @BeforeAll
    static void open() {
        if (OpenClSupport.available()) opencl = LossEngine.create(BackendKind.OPENCL);
    }

    @AfterAll
    static void close() {
        if (opencl != null) opencl.close();
    }

    private static HostTensor logits(Random rnd, long... shape) {
        float[] v = new float[(int) Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * 3);
        if (v.length > 3) v[1] = Float.NEGATIVE_INFINITY; // a masked logit
        return HostTensor.of(v, shape);
    }

    private static HostTensor targets(Random rnd, long classes, long... shape) {
        long[] t = new long[(int) Shape.of(shape).numel()];
        for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(6) == 0 ? -100 : rnd.nextInt((int) classes);
        return HostTensor.of(t, shape);
    }

    private static HostTensor probs(Random rnd, long... shape) {
        float[] v = new float[(int) Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat();
        return HostTensor.of(v, shape);
    }

    /** Shapes: tiny, odd, one work-item per row, one work-group per row (few wide rows), K-dimensional. */
    private static final long[][] SHAPES = {{5}, {7, 3}, {93, 7}, {513, 1000}, {3, 1000}, {4, 40000}, {4, 5, 13, 31}, {2, 300, 7}};

    @TestFactory
    Stream<DynamicTest> inPlaceEqualsSeparateBuffer() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long[] shape : SHAPES) {
            long c = shape.length == 1 ? shape[0] : shape[1];
            long[] tshape = shape.length == 1 ? new long[0] : dropClassDim(shape);
            float[] w = new float[(int) c];
            for (int i = 0; i < c; i++) w[i] = 0.5f + (i % 7) / 4f;
            for (Reduction red : Reduction.values()) {
                if (red == Reduction.BATCHMEAN) continue;
                String s = java.util.Arrays.toString(shape) + " " + red;
                tests.add(DynamicTest.dynamicTest("cross_entropy index " + s, () -> check(
                        CrossEntropyLoss.builder().reduction(red).build(), shape, tshape, c, false)));
                tests.add(DynamicTest.dynamicTest("cross_entropy index weight smoothing " + s, () -> check(
                        CrossEntropyLoss.builder().reduction(red).weight(w).labelSmoothing(0.1).build(), shape, tshape, c, false)));
                tests.add(DynamicTest.dynamicTest("cross_entropy probs " + s, () -> check(
                        CrossEntropyLoss.builder().reduction(red).labelSmoothing(0.05).build(), shape, shape, c, true)));
                tests.add(DynamicTest.dynamicTest("nll_loss " + s, () -> check(
                        NllLoss.of(HostTensor.of(w.clone(), c), -100, red), shape, tshape, c, false)));
            }
        }
        return tests.stream();
    }

    private static long[] dropClassDim(long[] shape) {
        long[] t = new long[shape.length - 1];
        t[0] = shape[0];
        System.arraycopy(shape, 2, t, 1, shape.length - 2);
        return t;
    }

    private static void check(Loss loss, long[] shape, long[] tshape, long classes, boolean probTargets) {
        OpenClSupport.assume();
        Random rnd = new Random(shape.length * 31L + shape[0] * 7 + classes);
        HostTensor x = logits(rnd, shape);
        HostTensor t = probTargets ? probs(rnd, tshape) : targets(rnd, classes, tshape);
        OpenClBackend b = (OpenClBackend) opencl.backend();
        try (DeviceTensor dx = b.upload(x); DeviceTensor dt = b.upload(t)) {
            LossInputs in = LossInputs.of("input", dx, "target", dt);
            LossResult normal = opencl.compute(loss, in, "input");
            HostTensor wantOut = normal.output().toHost(), wantGrad = normal.grad("input").toHost();
            close(normal);
            LossResult inPlace = opencl.computeGradientInPlace(loss, in, "input");
            assertSame(dx, inPlace.grad("input"), "the gradient is the input tensor itself");
            assertArrayEquals(wantOut.toDoubleArray(), inPlace.output().toHost().toDoubleArray(), 0.0, "loss");
            assertArrayEquals(wantGrad.toDoubleArray(), dx.toHost().toDoubleArray(), 0.0, "gradient over the logits");
            close(inPlace.output());
        }
    }

    private static void close(LossResult r) {
        close(r.output());
        for (Tensor g : r.grads().values()) close(g);
    }

    private static void close(Tensor t) {
        if (t instanceof DeviceTensor) ((DeviceTensor) t).close();
    }

    @Test
    void unsupportedIsRefusedBeforeAnyWork() {
        OpenClSupport.assume();
        Random rnd = new Random(3);
        HostTensor x = logits(rnd, 6, 4), t = targets(rnd, 4, 6);
        OpenClBackend b = (OpenClBackend) opencl.backend();
        try (DeviceTensor dx = b.upload(x); DeviceTensor dt = b.upload(t); DeviceTensor dy = b.upload(logits(rnd, 6, 4))) {
            // another loss
            assertThrows(UnsupportedFeatureException.class,
                    () -> opencl.computeGradientInPlace(MseLoss.mean(), LossInputs.of("input", dx, "target", dy), "input"));
            // a host input
            assertThrows(UnsupportedFeatureException.class,
                    () -> opencl.computeGradientInPlace(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", dt), "input"));
            // the target's gradient
            assertThrows(UnsupportedFeatureException.class,
                    () -> opencl.computeGradientInPlace(CrossEntropyLoss.of(), LossInputs.of("input", dx, "target", dy), "target"));
            // bad input is still an InvalidArgumentException
            assertThrows(InvalidArgumentException.class,
                    () -> opencl.computeGradientInPlace(CrossEntropyLoss.of(), LossInputs.of("input", dx, "target", b.upload(logits(rnd, 5, 4))), "input"));
            assertArrayEquals(x.toDoubleArray(), dx.toHost().toDoubleArray(), 0.0, "the logits are untouched by refused calls");
            // and the engine still works
            LossResult r = opencl.computeGradientInPlace(CrossEntropyLoss.of(), LossInputs.of("input", dx, "target", dt), "input");
            assertEquals(Shape.scalar(), r.output().shape());
            close(r.output());
        }
        try (LossEngine java = LossEngine.create(BackendKind.JAVA)) {
            assertThrows(UnsupportedFeatureException.class,
                    () -> java.computeGradientInPlace(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", t), "input"));
        }
    }
}
