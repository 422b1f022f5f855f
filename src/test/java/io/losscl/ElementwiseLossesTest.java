package io.losscl;

import io.losscl.cli.Tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.loss.GaussianNllLoss;
import io.losscl.loss.HingeEmbeddingLoss;
import io.losscl.loss.HuberLoss;
import io.losscl.loss.L1Loss;
import io.losscl.loss.MarginRankingLoss;
import io.losscl.loss.MseLoss;
import io.losscl.loss.PoissonNllLoss;
import io.losscl.loss.PoissonNllLoss.InputSpace;
import io.losscl.loss.SmoothL1Loss;
import io.losscl.loss.SoftMarginLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The elementwise losses on OpenCL against the Java reference on random inputs: every option, shapes
 * from scalars to 513 x 1000, sizes not multiples of a work-group, broadcasting (narrow and wide
 * sum_to_shape paths), int64 and float64 operands, device-resident inputs; forward and backward.
 * Plus bad inputs: rejected before any kernel, the engine still usable.
 */
class ElementwiseLossesTest {
    private static LossEngine java;
    private static LossEngine opencl;

    private static LossEngine java() {
        if (java == null) java = LossEngine.create(BackendKind.JAVA);
        return java;
    }

    private static LossEngine opencl() {
        OpenClSupport.assume();
        if (opencl == null) opencl = LossEngine.create(BackendKind.OPENCL);
        return opencl;
    }

    @AfterAll
    static void close() {
        if (java != null) java.close();
        if (opencl != null) opencl.close();
    }

    /** How to draw one input of a loss. */
    private interface Gen { double draw(Random r); }

    private static final Gen NORMAL = Random::nextGaussian;
    private static final Gen SIGN = r -> r.nextInt(10) == 0 ? 0.5 : (r.nextBoolean() ? 1 : -1);
    private static final Gen COUNTS = r -> r.nextInt(6) == 0 ? r.nextDouble() * 1.5 : r.nextInt(6);
    private static final Gen RATE = r -> 0.01 + 3 * r.nextDouble();
    private static final Gen VAR = r -> r.nextInt(20) == 0 ? 0 : (r.nextInt(20) == 0 ? 1e-8 : 2 * r.nextDouble());

    /** One loss configuration and how to draw each of its inputs. */
    private static final class Config {
        final Loss loss;
        final Gen[] gens;

        Config(Loss loss, Gen... gens) {
            this.loss = loss;
            this.gens = gens;
        }

        @Override public String toString() { return loss.toString(); }
    }

    private static List<Config> configs() {
        List<Config> c = new ArrayList<>();
        for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
            c.add(new Config(L1Loss.of(red), NORMAL, NORMAL));
            c.add(new Config(MseLoss.of(red), NORMAL, NORMAL));
            c.add(new Config(SoftMarginLoss.of(red), NORMAL, SIGN));
            for (double delta : new double[] {1.0, 0.3, 2.5}) {
                c.add(new Config(HuberLoss.builder().delta(delta).reduction(red).build(), NORMAL, NORMAL));
            }
            for (double beta : new double[] {1.0, 0.0, 0.4}) {
                c.add(new Config(SmoothL1Loss.builder().beta(beta).reduction(red).build(), NORMAL, NORMAL));
            }
            for (double margin : new double[] {1.0, 0.0, -0.5}) {
                c.add(new Config(HingeEmbeddingLoss.builder().margin(margin).reduction(red).build(), NORMAL, SIGN));
                c.add(new Config(MarginRankingLoss.builder().margin(margin).reduction(red).build(), NORMAL, NORMAL, SIGN));
            }
            for (boolean full : new boolean[] {false, true}) {
                c.add(new Config(PoissonNllLoss.builder().full(full).reduction(red).build(), NORMAL, COUNTS));
                c.add(new Config(PoissonNllLoss.builder().inputSpace(InputSpace.RATE).full(full).eps(1e-3).reduction(red).build(), RATE, COUNTS));
                c.add(new Config(GaussianNllLoss.builder().full(full).reduction(red).build(), NORMAL, NORMAL, VAR));
                c.add(new Config(GaussianNllLoss.builder().full(full).eps(0.1).reduction(red).build(), NORMAL, NORMAL, VAR));
            }
        }
        return c;
    }

    private static HostTensor random(Random r, Gen g, DType dtype, long... shape) {
        int n = Math.toIntExact(Shape.of(shape).numel());
        if (dtype == DType.INT64) {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) v[i] = Math.round(g.draw(r));
            return HostTensor.of(v, shape);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = g.draw(r);
        return HostTensor.fromDoubles(dtype, Shape.of(shape), v);
    }

    /** Inputs of {@code shapes[k]} (dtype FLOAT32 unless {@code dtypes} says otherwise). */
    private static LossInputs inputs(Config c, long seed, DType[] dtypes, long[]... shapes) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        List<String> names = c.loss.inputNames();
        for (int k = 0; k < names.size(); k++) {
            m.put(names.get(k), random(r, c.gens[k], dtypes == null ? DType.FLOAT32 : dtypes[k], shapes[Math.min(k, shapes.length - 1)]));
        }
        return LossInputs.of(m);
    }

    private static String[] floatingInputs(Loss loss, LossInputs in) {
        List<String> g = new ArrayList<>();
        for (String name : loss.inputNames()) {
            if (in.get(name).dtype().isFloating() && !(loss instanceof SoftMarginLoss && name.equals("target"))) g.add(name);
        }
        return g.toArray(new String[0]);
    }

    /** OpenCL and the reference agree on the output and every gradient. */
    private static void agree(Loss loss, LossInputs in, String... grads) {
        LossResult want = java().compute(loss, in, grads);
        LossResult got = opencl().compute(loss, in, grads);
        compare(loss + " output", got.output().toHost(), want.output().toHost());
        for (String g : grads) compare(loss + " grad " + g, got.grad(g).toHost(), want.grad(g).toHost());
    }

    private static void compare(String what, HostTensor got, HostTensor want) {
        assertEquals(want.shape(), got.shape(), what + ": shape");
        int n = want.shape().numelInt();
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String why = Tolerance.check(got.getDouble(i), want.getDouble(i), got.dtype());
            if (why != null && bad++ < 5) sb.append(String.format("%n  [%d] got %s want %s: %s", i, got.getDouble(i), want.getDouble(i), why));
        }
        if (bad > 0) fail(what + ": " + bad + " of " + n + " wrong" + sb);
    }

    private static final long[][][] SAME_SHAPES = {
        {{}}, {{1}}, {{7}}, {{63}}, {{65}}, {{1001}}, {{4, 5, 6}}, {{100_003}},
    };

    private static final long[][][] BROADCASTS = {
        {{3, 4}, {4}},             // target row (narrow sum_to_shape)
        {{1, 4}, {3, 4}},          // input row
        {{3, 1}, {1, 4}},          // both
        {{5, 7, 9}, {7, 1}},       // middle dimension
        {{200, 301}, {}},          // scalar target: wide sum_to_shape (one element, 60200 preimages)
        {{1000, 70}, {70}},        // wide: 1000 preimages each
        {{70, 1000}, {70, 1}},     // wide, strided preimages
        {{4, 1}, {4, 1}, {4, 6}},  // third input larger than the others
        {{0, 4}, {4}},             // empty broadcast output: gradient of target is 0
    };

    @TestFactory
    Stream<DynamicTest> sameShapeAllOptions() {
        List<DynamicTest> t = new ArrayList<>();
        for (Config c : configs()) {
            for (long[][] shapes : SAME_SHAPES) {
                t.add(DynamicTest.dynamicTest(c + " " + Shape.of(shapes[0]), () -> {
                    LossInputs in = inputs(c, 17 + shapes[0].length, null, shapes);
                    agree(c.loss, in, floatingInputs(c.loss, in));
                }));
            }
        }
        return t.stream();
    }

    private static boolean sameRanks(long[][] shapes) {
        for (long[] s : shapes) if (s.length != shapes[0].length) return false;
        return true;
    }

    @TestFactory
    Stream<DynamicTest> broadcasting() {
        List<DynamicTest> t = new ArrayList<>();
        for (Config c : configs()) {
            if (c.loss instanceof GaussianNllLoss) continue; // var has its own shape rules, below
            for (long[][] shapes : BROADCASTS) {
                if (shapes.length > 2 && c.loss.inputNames().size() < 3) continue;
                if (c.loss instanceof MarginRankingLoss && !sameRanks(shapes)) continue; // PyTorch's rule
                StringBuilder name = new StringBuilder(c.toString());
                for (long[] s : shapes) name.append(' ').append(Shape.of(s));
                t.add(DynamicTest.dynamicTest(name.toString(), () -> {
                    LossInputs in = inputs(c, 5, null, shapes);
                    agree(c.loss, in, floatingInputs(c.loss, in));
                }));
            }
        }
        return t.stream();
    }

    @Test
    void largeRows() {
        Config huber = new Config(HuberLoss.builder().delta(0.5).reduction(Reduction.MEAN).build(), NORMAL, NORMAL);
        agree(huber.loss, inputs(huber, 3, null, new long[] {513, 1000}), "input", "target");
        Config mr = new Config(MarginRankingLoss.builder().margin(0.2).reduction(Reduction.SUM).build(), NORMAL, NORMAL, SIGN);
        agree(mr.loss, inputs(mr, 4, null, new long[] {513, 1000}, new long[] {513, 1}, new long[] {1, 1000}), "input1", "input2", "target");
        Config g = new Config(GaussianNllLoss.builder().full(true).reduction(Reduction.NONE).build(), NORMAL, NORMAL, VAR);
        agree(g.loss, inputs(g, 6, null, new long[] {513, 1000}, new long[] {513, 1000}, new long[] {513}), "input", "target", "var");
    }

    @Test
    void gaussianVarShapes() {
        for (Reduction red : Reduction.values()) {
            if (red == Reduction.BATCHMEAN) continue;
            Config g = new Config(GaussianNllLoss.builder().reduction(red).build(), NORMAL, NORMAL, VAR);
            long[][][] cases = {
                {{4, 3}, {4, 3}, {4, 3}}, {{4, 3}, {4, 3}, {4, 1}}, {{4, 3}, {4, 3}, {4}}, {{2, 3, 4}, {2, 3, 4}, {2, 3}},
                {{5}, {5}, {}}, {{5}, {5}, {1}}, {{}, {}, {}}, {{3, 4}, {4}, {3, 4}}, {{300, 200}, {300, 200}, {300}},
            };
            for (long[][] s : cases) {
                LossInputs in = inputs(g, 9, null, s);
                agree(g.loss, in, "input", "target", "var");
                assertEquals(Shape.of(s[2]), java().compute(g.loss, in, "var").grad("var").shape());
            }
        }
    }

    @Test
    void int64TargetsAndFloat64() {
        DType[] i64 = {DType.FLOAT32, DType.INT64};
        for (Config c : configs()) {
            if (c.loss.inputNames().size() != 2) continue;
            // mse_loss and huber_loss with an int64 target: PyTorch's backward raises, so the loss only (HardeningTest)
            String[] grad = c.loss instanceof MseLoss || c.loss instanceof HuberLoss ? new String[0] : new String[] {"input"};
            agree(c.loss, inputs(c, 11, i64, new long[] {37, 5}), grad);
            agree(c.loss, inputs(c, 12, i64, new long[] {37, 5}, new long[] {5}), grad);
            LossInputs f64 = inputs(c, 13, new DType[] {DType.FLOAT64, DType.FLOAT64}, new long[] {1001});
            agree(c.loss, f64, floatingInputs(c.loss, f64));
        }
        Config mr = new Config(MarginRankingLoss.builder().build(), NORMAL, NORMAL, SIGN);
        agree(mr.loss, inputs(mr, 14, new DType[] {DType.FLOAT32, DType.FLOAT32, DType.INT64}, new long[] {300}), "input1", "input2");
        // mixed floating dtypes promote where PyTorch promotes (l1, smooth_l1, poisson, margin ranking)
        Config l1 = new Config(L1Loss.of(Reduction.NONE), NORMAL, NORMAL);
        LossInputs mixed = inputs(l1, 15, new DType[] {DType.FLOAT32, DType.FLOAT64}, new long[] {4, 1000}, new long[] {1000});
        agree(l1.loss, mixed, "input", "target");
        assertEquals(DType.FLOAT64, opencl().compute(l1.loss, mixed).output().dtype());
    }

    @Test
    void deviceResidentBroadcastInputs() {
        OpenClBackend b = (OpenClBackend) opencl().backend();
        Config c = new Config(SmoothL1Loss.builder().beta(0.3).reduction(Reduction.NONE).build(), NORMAL, NORMAL);
        LossInputs host = inputs(c, 21, new DType[] {DType.FLOAT32, DType.INT64}, new long[] {64, 33}, new long[] {33});
        try (DeviceTensor x = b.upload((HostTensor) host.get("input")); DeviceTensor y = b.upload((HostTensor) host.get("target"))) {
            LossResult got = opencl().compute(c.loss, LossInputs.of("input", x, "target", y), "input");
            LossResult want = java().compute(c.loss, host, "input");
            compare("device output", got.output().toHost(), want.output().toHost());
            compare("device grad", got.grad("input").toHost(), want.grad("input").toHost());
            for (Tensor t : new Tensor[] {got.output(), got.grad("input")}) if (t instanceof DeviceTensor) ((DeviceTensor) t).close();
        }
    }

    @Test
    void deterministic() {
        Config c = new Config(PoissonNllLoss.builder().full(true).reduction(Reduction.MEAN).build(), NORMAL, COUNTS);
        LossInputs in = inputs(c, 31, null, new long[] {500, 301}, new long[] {301});
        LossResult a = opencl().compute(c.loss, in, "input", "target");
        LossResult b = opencl().compute(c.loss, in, "input", "target");
        assertEquals(a.scalar(), b.scalar());
        assertTrue(Arrays.equals(a.grad("target").toHost().floatData(), b.grad("target").toHost().floatData()));
    }

    private static void rejected(Loss loss, LossInputs in, String messageStart) {
        for (LossEngine e : new LossEngine[] {java(), opencl()}) {
            InvalidArgumentException ex = assertThrows(InvalidArgumentException.class, () -> e.compute(loss, in));
            assertTrue(ex.getMessage().startsWith(messageStart), ex.getMessage());
        }
    }

    @Test
    void badInputs() {
        HostTensor x34 = HostTensor.of(new float[12], 3, 4);
        rejected(HuberLoss.builder().build(), LossInputs.of("input", x34, "target", HostTensor.of(new float[3], 3)), "huber_loss: target of shape [3] cannot be broadcast");
        rejected(MseLoss.mean(), LossInputs.of("input", x34, "target", HostTensor.of(new double[12], 3, 4)), "mse_loss: target is float64");
        rejected(SoftMarginLoss.mean(), LossInputs.of("input", HostTensor.of(new long[12], 3, 4), "target", x34), "soft_margin_loss: input must be a floating-point");
        rejected(GaussianNllLoss.builder().build(), LossInputs.of("input", x34, "target", x34, "var", HostTensor.of(new float[] {1, -0.5f, 1}, 3)),
                "gaussian_nll_loss: var -0.5 at index [1] is negative");
        rejected(GaussianNllLoss.builder().build(), LossInputs.of("input", x34, "target", x34, "var", HostTensor.of(new float[4], 1, 4)),
                "gaussian_nll_loss: var is of incorrect size");
        rejected(MarginRankingLoss.builder().build(), LossInputs.of("input1", x34, "input2", HostTensor.of(new float[4], 4), "target", HostTensor.of(new float[4], 4)),
                "margin_ranking_loss: all input tensors should have the same number of dimensions");
        assertThrows(InvalidArgumentException.class, () -> HuberLoss.builder().delta(0).build());
        assertThrows(InvalidArgumentException.class, () -> HuberLoss.builder().delta(Double.NaN).build());
        assertThrows(InvalidArgumentException.class, () -> SmoothL1Loss.builder().beta(-0.1).build());
        assertThrows(InvalidArgumentException.class, () -> HuberLoss.fromOptions(Options.of("huber_loss", Map.of("beta", 1.0))));
        assertThrows(InvalidArgumentException.class, () -> PoissonNllLoss.fromOptions(Options.of("poisson_nll_loss", Map.of("log_input", 1.0))));
        for (LossEngine e : new LossEngine[] {java(), opencl()}) {
            InvalidArgumentException ex = assertThrows(InvalidArgumentException.class,
                    () -> e.compute(SoftMarginLoss.mean(), LossInputs.of("input", x34, "target", x34), "target"));
            assertTrue(ex.getMessage().startsWith("soft_margin_loss: not differentiable"), ex.getMessage());
        }
        // still usable
        Config c = new Config(HuberLoss.builder().build(), NORMAL, NORMAL);
        agree(c.loss, inputs(c, 1, null, new long[] {3, 4}, new long[] {4}), "input", "target");
    }
}
