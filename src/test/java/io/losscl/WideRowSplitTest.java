package io.losscl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.cli.Tolerance;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.LaunchConfig;
import io.losscl.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * cross_entropy's wide rows split across several work-groups (class_slices_lse + class_slices_rows), run on
 * the local device with the GPU launch forced (LaunchConfig: GPU profile, work-group 64): rows of
 * 128000 classes and odd widths, every reduction, weights, ignore_index and label smoothing, forward and
 * backward against the Java reference; the split chosen by the host and forced slice counts; in place.
 */
class WideRowSplitTest {
    private static LossEngine java;
    private static LossEngine strided;
    /** The same launch with every wide row cut into 7 slices. */
    private static LossEngine sliced;

    @BeforeAll
    static void open() {
        java = LossEngine.create(BackendKind.JAVA);
        if (!OpenClSupport.available()) return;
        LaunchConfig.Overrides gpu = LaunchConfig.overrides().profile(LaunchConfig.Profile.GPU).workGroupSize(64);
        strided = LossEngine.create(BackendKind.OPENCL, null, gpu);
        sliced = LossEngine.create(BackendKind.OPENCL, null, gpu.rowSlices(7));
    }

    @AfterAll
    static void close() {
        java.close();
        if (strided != null) strided.close();
        if (sliced != null) sliced.close();
    }

    private static final long[][] SHAPES = {{1, 128000}, {2, 128000}, {3, 1001}, {1, 4099}, {5, 40003}, {2, 3000, 3}};

    @TestFactory
    Stream<DynamicTest> againstReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long[] shape : SHAPES) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                for (int forced : new int[] {0, 7}) { // 7: the sliced engine
                    String name = Arrays.toString(shape) + " " + red + (forced > 0 ? " slices=" + forced : "");
                    tests.add(DynamicTest.dynamicTest("plain " + name, () -> check(CrossEntropyLoss.builder().reduction(red).build(), shape, forced)));
                    tests.add(DynamicTest.dynamicTest("weight+smoothing+ignore " + name, () -> check(CrossEntropyLoss.builder().reduction(red)
                            .weight(weights(shape[1])).labelSmoothing(0.2).ignoreIndex(3).build(), shape, forced)));
                }
            }
        }
        return tests.stream();
    }

    private static float[] weights(long c) {
        float[] w = new float[(int) c];
        for (int i = 0; i < w.length; i++) w[i] = 0.25f + (i % 11) / 5f;
        return w;
    }

    private static void check(CrossEntropyLoss loss, long[] shape, int forcedSlices) {
        OpenClSupport.assume();
        Random rnd = new Random(Arrays.hashCode(shape) + forcedSlices);
        float[] v = new float[(int) Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * 4);
        v[v.length / 2] = Float.NEGATIVE_INFINITY;
        HostTensor x = HostTensor.of(v, shape);
        long[] tshape = new long[shape.length - 1];
        tshape[0] = shape[0];
        System.arraycopy(shape, 2, tshape, 1, shape.length - 2);
        long[] t = new long[(int) Shape.of(tshape).numel()];
        for (int i = 0; i < t.length; i++) t[i] = i % 4 == 3 ? 3 : rnd.nextInt((int) shape[1]);
        HostTensor target = HostTensor.of(t, tshape);
        LossInputs in = LossInputs.of("input", x, "target", target);
        LossResult want = java.compute(loss, in, "input");
        LossEngine engine = forcedSlices > 0 ? sliced : strided;
        {
            LossResult got = engine.compute(loss, in, "input");
            compare("loss", got.output().toHost(), want.output().toHost());
            compare("grad", got.grad("input").toHost(), want.grad("input").toHost());
            // In place over device-resident logits: bitwise the normal device result.
            OpenClBackend b = (OpenClBackend) engine.backend();
            try (DeviceTensor dx = b.upload(x); DeviceTensor dt = b.upload(target)) {
                LossResult r = engine.computeGradientInPlace(loss, LossInputs.of("input", dx, "target", dt), "input");
                assertArrayEquals(got.output().toHost().toDoubleArray(), r.output().toHost().toDoubleArray(), 0.0, "in-place loss");
                assertArrayEquals(got.grad("input").toHost().toDoubleArray(), dx.toHost().toDoubleArray(), 0.0, "in-place gradient");
                ((DeviceTensor) r.output()).close();
            }
        }
    }

    private static void compare(String what, HostTensor got, HostTensor want) {
        assertEquals(want.shape(), got.shape(), what + " shape");
        double[] g = got.toDoubleArray(), w = want.toDoubleArray();
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.length; i++) {
            String why = Tolerance.check(g[i], w[i], DType.FLOAT32);
            if (why != null && bad++ < 5) sb.append("\n  [").append(i).append("] got ").append(g[i]).append(" want ").append(w[i]).append(": ").append(why);
        }
        if (bad > 0) fail(what + ": " + bad + " of " + g.length + " elements wrong" + sb);
    }
}
