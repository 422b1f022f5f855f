package io.losscl;

import io.losscl.opencl.LaunchConfig;

import io.losscl.cli.Tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.loss.MultiMarginLoss;
import io.losscl.loss.MultilabelMarginLoss;
import io.losscl.loss.MultilabelSoftMarginLoss;
import io.losscl.loss.TripletLoss;
import io.losscl.loss.TripletLoss.Distance;
import io.losscl.loss.TripletMarginLoss;
import io.losscl.loss.TripletMarginWithDistanceLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The row-wise losses (multi_margin, multilabel_margin, multilabel_soft_margin, triplet_margin,
 * triplet_margin_with_distance): OpenCL against the Java reference on random inputs, in both row
 * modes (one work-item per row and one work-group per row) and the automatic choice, across shapes
 * below, at and above a work-group, narrow and wide rows, with every option; forward and backward.
 * Plus the hand-computed examples of the seed note and bad inputs.
 */
class RowLossesTest {
    private static final long[][] SHAPES = {{1, 1}, {3, 5}, {7, 93}, {93, 7}, {1000, 3}, {4, 4096}, {65, 130}};
    private static LossEngine java;
    private static LossEngine opencl;
    /** One engine per rows.cl variant (LaunchConfig.rowMode): item, group, and the default (AUTO). */
    private static final java.util.Map<LaunchConfig.RowMode, LossEngine> MODES = new java.util.EnumMap<>(LaunchConfig.RowMode.class);

    @BeforeAll
    static void open() {
        java = LossEngine.create(BackendKind.JAVA);
        if (OpenClSupport.available()) {
            opencl = LossEngine.create(BackendKind.OPENCL);
            for (LaunchConfig.RowMode m : LaunchConfig.RowMode.values()) {
                MODES.put(m, m == LaunchConfig.RowMode.AUTO ? opencl : LossEngine.create(BackendKind.OPENCL, null, LaunchConfig.overrides().rowMode(m)));
            }
        }
    }

    @AfterAll
    static void close() {
        java.close();
        MODES.values().forEach(LossEngine::close);
    }

    private static HostTensor normal(Random r, double scale, long... shape) {
        float[] v = new float[(int) Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * scale);
        return HostTensor.of(v, shape);
    }

    private static HostTensor uniform(Random r, double lo, double hi, long... shape) {
        float[] v = new float[(int) Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return HostTensor.of(v, shape);
    }

    /** Reference vs OpenCL in every row mode; fails with the first mismatching elements. */
    private static void compare(String what, Loss loss, LossInputs in, String... grads) {
        LossResult want = java.compute(loss, in, grads);
        for (java.util.Map.Entry<LaunchConfig.RowMode, LossEngine> mode : MODES.entrySet()) {
            LossResult got = mode.getValue().compute(loss, in, grads);
            String where = what + " " + loss + " [rowMode " + mode.getKey() + "]";
            same(where + " output", got.output().toHost(), want.output().toHost());
            for (String g : grads) same(where + " grad " + g, got.grad(g).toHost(), want.grad(g).toHost());
        }
    }

    private static void same(String where, HostTensor got, HostTensor want) {
        assertEquals(want.shape(), got.shape(), where + ": shape");
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < want.numel(); i++) {
            String why = Tolerance.check(got.getDouble(i), want.getDouble(i));
            if (why != null && bad.size() < 5) bad.add("[" + i + "] got " + got.getDouble(i) + " want " + want.getDouble(i) + ": " + why);
        }
        if (!bad.isEmpty()) fail(where + ":\n  " + String.join("\n  ", bad));
    }

    @Test
    void multiMarginMatchesReference() {
        OpenClSupport.assume();
        Random r = new Random(1);
        for (long[] s : SHAPES) {
            for (Reduction red : Reduction.values()) {
                if (red == Reduction.BATCHMEAN) continue;
                for (int p = 1; p <= 2; p++) {
                    long[] t = new long[(int) s[0]];
                    for (int i = 0; i < t.length; i++) t[i] = r.nextInt((int) s[1]);
                    LossInputs in = LossInputs.of("input", normal(r, 1, s), "target", HostTensor.of(t, s[0]));
                    compare("shape " + Shape.of(s), MultiMarginLoss.builder().p(p).reduction(red).build(), in, "input");
                    compare("shape " + Shape.of(s), MultiMarginLoss.builder().p(p).margin(0.6).weight(uniform(r, 0.1, 2, s[1]))
                            .reduction(red).build(), in, "input");
                }
            }
        }
        // unbatched: (C) input, scalar target
        compare("unbatched", MultiMarginLoss.builder().reduction(Reduction.NONE).build(),
                LossInputs.of("input", normal(r, 1, 9), "target", HostTensor.of(new long[] {4})), "input");
        // many rows: 513 x 1000, forward only and with gradient
        long[] t = new long[513];
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(1000);
        compare("513x1000", MultiMarginLoss.builder().p(2).build(), LossInputs.of("input", normal(r, 1, 513, 1000), "target", HostTensor.of(t, 513)), "input");
    }

    private static HostTensor labels(Random r, long n, long c, int maxLen) {
        long[] t = new long[(int) (n * c)];
        for (int row = 0; row < n; row++) {
            int len = r.nextInt((int) Math.min(c, maxLen) + 1);
            for (int j = 0; j < c; j++) t[(int) (row * c + j)] = j < len ? r.nextInt((int) c) : (j == len ? -1 : r.nextInt((int) c + 1) - 1);
        }
        return HostTensor.of(t, n, c);
    }

    @Test
    void multilabelMarginMatchesReference() {
        OpenClSupport.assume();
        Random r = new Random(2);
        for (long[] s : SHAPES) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                LossInputs in = LossInputs.of("input", normal(r, 1, s), "target", labels(r, s[0], s[1], 12));
                compare("shape " + Shape.of(s), MultilabelMarginLoss.of(red), in, "input");
            }
        }
        compare("513x1000", MultilabelMarginLoss.mean(), LossInputs.of("input", normal(r, 1, 513, 1000), "target", labels(r, 513, 1000, 6)), "input");
        compare("unbatched", MultilabelMarginLoss.of(Reduction.NONE),
                LossInputs.of("input", normal(r, 1, 6), "target", HostTensor.of(new long[] {3, 3, 0, -1, 5, 2}, 6)), "input");
    }

    @Test
    void multilabelSoftMarginMatchesReference() {
        OpenClSupport.assume();
        Random r = new Random(3);
        for (long[] s : SHAPES) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                LossInputs in = LossInputs.of("input", normal(r, 4, s), "target", uniform(r, 0, 1, s));
                compare("shape " + Shape.of(s), MultilabelSoftMarginLoss.builder().reduction(red).build(), in, "input", "target");
                compare("shape " + Shape.of(s), MultilabelSoftMarginLoss.builder().weight(uniform(r, 0.1, 2, s[1])).reduction(red).build(), in, "input", "target");
            }
        }
        // broadcasting: a (1, C) target and an (N, 1) weight; a 3-d input
        compare("broadcast", MultilabelSoftMarginLoss.builder().weight(uniform(r, 0.5, 1.5, 5, 1)).reduction(Reduction.NONE).build(),
                LossInputs.of("input", normal(r, 2, 5, 7), "target", uniform(r, 0, 1, 1, 7)), "input", "target");
        // a weight with more dimensions than the input: PyTorch sums over the input's last dimension, dim 1 of (3, 2, 4)
        compare("weight-3d", MultilabelSoftMarginLoss.builder().weight(uniform(r, 0.5, 1.5, 3, 2, 4)).reduction(Reduction.NONE).build(),
                LossInputs.of("input", normal(r, 2, 2, 4), "target", uniform(r, 0, 1, 2, 4)), "input", "target");
        compare("weight-3d-mean", MultilabelSoftMarginLoss.builder().weight(uniform(r, 0.5, 1.5, 3, 1, 1)).build(),
                LossInputs.of("input", normal(r, 2, 5), "target", uniform(r, 0, 1, 5)), "input", "target");
        compare("3d", MultilabelSoftMarginLoss.builder().build(),
                LossInputs.of("input", normal(r, 2, 2, 3, 4), "target", uniform(r, 0, 1, 2, 3, 4)), "input", "target");
        compare("100k", MultilabelSoftMarginLoss.builder().reduction(Reduction.SUM).build(),
                LossInputs.of("input", normal(r, 2, 100, 1000), "target", uniform(r, 0, 1, 100, 1000)), "input");
    }

    private static List<TripletLoss> triplets(Reduction red) {
        List<TripletLoss> l = new ArrayList<>();
        l.add(TripletMarginLoss.builder().reduction(red).build());
        l.add(TripletMarginLoss.builder().p(1).swap(true).margin(2).reduction(red).build());
        l.add(TripletMarginLoss.builder().p(3).eps(1e-3).margin(0.5).reduction(red).build());
        l.add(TripletMarginLoss.builder().p(Double.POSITIVE_INFINITY).swap(true).reduction(red).build());
        l.add(TripletMarginWithDistanceLoss.builder().swap(true).margin(1.5).reduction(red).build());
        l.add(TripletMarginWithDistanceLoss.builder().distance(Distance.COSINE).reduction(red).build());
        l.add(TripletMarginWithDistanceLoss.builder().distance(Distance.COSINE).swap(true).margin(0.3).reduction(red).build());
        return l;
    }

    @Test
    void tripletsMatchReference() {
        OpenClSupport.assume();
        Random r = new Random(4);
        for (long[] s : SHAPES) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                HostTensor a = normal(r, 1, s);
                LossInputs in = LossInputs.of("anchor", a, "positive", normal(r, 1, s), "negative", normal(r, 1.2, s));
                for (TripletLoss loss : triplets(red)) compare("shape " + Shape.of(s), loss, in, "anchor", "positive", "negative");
            }
        }
        for (TripletLoss loss : triplets(Reduction.NONE)) {
            // unbatched, broadcast (a (1, D) positive), a 3-d batch
            compare("unbatched", loss, LossInputs.of("anchor", normal(r, 1, 8), "positive", normal(r, 1, 8), "negative", normal(r, 1, 8)),
                    "anchor", "positive", "negative");
            compare("broadcast", loss, LossInputs.of("anchor", normal(r, 1, 6, 8), "positive", normal(r, 1, 1, 8), "negative", normal(r, 1, 6, 8)),
                    "anchor", "positive", "negative");
            compare("3d", loss, LossInputs.of("anchor", normal(r, 1, 2, 3, 8), "positive", normal(r, 1, 2, 3, 8), "negative", normal(r, 1, 2, 3, 8)),
                    "anchor", "positive", "negative");
        }
        compare("513x1000", TripletMarginLoss.builder().swap(true).margin(20).build(),
                LossInputs.of("anchor", normal(r, 1, 513, 1000), "positive", normal(r, 1, 513, 1000), "negative", normal(r, 1, 513, 1000)),
                "anchor", "positive", "negative");
    }

    private static HostTensor f64(HostTensor t) { return HostTensor.fromDoubles(DType.FLOAT64, t.shape(), t.toDoubleArray()); }

    /** float64 storage, and mixed float32 / float64 triplet inputs (promoted to float64, as PyTorch does). */
    @Test
    void float64AndMixedDtypes() {
        OpenClSupport.assume();
        Random r = new Random(5);
        HostTensor x = normal(r, 1, 33, 70);
        long[] t = new long[33];
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(70);
        compare("f64", MultiMarginLoss.builder().p(2).weight(f64(uniform(r, 0.1, 2, 70))).build(),
                LossInputs.of("input", f64(x), "target", HostTensor.of(t, 33)), "input");
        compare("f64", MultilabelMarginLoss.of(Reduction.SUM), LossInputs.of("input", f64(x), "target", labels(r, 33, 70, 9)), "input");
        compare("f64", MultilabelSoftMarginLoss.builder().build(), LossInputs.of("input", f64(x), "target", f64(uniform(r, 0, 1, 33, 70))), "input", "target");
        for (TripletLoss loss : triplets(Reduction.MEAN)) {
            compare("f64", loss, LossInputs.of("anchor", f64(x), "positive", f64(normal(r, 1, 33, 70)), "negative", f64(normal(r, 1, 33, 70))),
                    "anchor", "positive", "negative");
            compare("mixed", loss, LossInputs.of("anchor", x, "positive", f64(normal(r, 1, 33, 70)), "negative", normal(r, 1, 33, 70)),
                    "anchor", "positive", "negative");
        }
    }

    private static HostTensor as(DType d, HostTensor t) { return HostTensor.fromDoubles(d, t.shape(), t.toDoubleArray()); }

    /** float16 and bfloat16 storage: OpenCL (double accumulation, one rounding) within two units of the last place of the reference. */
    @Test
    void halfPrecisionStorage() {
        OpenClSupport.assume();
        Random r = new Random(6);
        for (DType d : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            HostTensor x = as(d, normal(r, 1, 9, 40));
            long[] t = new long[9];
            for (int i = 0; i < t.length; i++) t[i] = r.nextInt(40);
            List<Object[]> cases = new ArrayList<>();
            cases.add(new Object[] {MultiMarginLoss.builder().p(2).weight(as(d, uniform(r, 0.1, 2, 40))).reduction(Reduction.NONE).build(),
                LossInputs.of("input", x, "target", HostTensor.of(t, 9)), new String[] {"input"}});
            cases.add(new Object[] {MultilabelMarginLoss.of(Reduction.NONE), LossInputs.of("input", x, "target", labels(r, 9, 40, 5)), new String[] {"input"}});
            cases.add(new Object[] {MultilabelSoftMarginLoss.builder().reduction(Reduction.NONE).build(),
                LossInputs.of("input", x, "target", as(d, uniform(r, 0, 1, 9, 40))), new String[] {"input", "target"}});
            for (TripletLoss loss : triplets(Reduction.NONE)) {
                cases.add(new Object[] {loss, LossInputs.of("anchor", x, "positive", as(d, normal(r, 1, 9, 40)), "negative", as(d, normal(r, 1, 9, 40))),
                    new String[] {"anchor", "positive", "negative"}});
            }
            double ulp = d == DType.FLOAT16 ? 1.0 / 1024 : 1.0 / 128;
            for (Object[] c : cases) {
                Loss loss = (Loss) c[0];
                LossInputs in = (LossInputs) c[1];
                String[] grads = (String[]) c[2];
                LossResult want = java.compute(loss, in, grads), got = opencl.compute(loss, in, grads);
                assertEquals(d, got.output().dtype(), loss + " output dtype");
                close(d + " " + loss + " output", got.output().toHost(), want.output().toHost(), ulp);
                for (String g : grads) close(d + " " + loss + " grad " + g, got.grad(g).toHost(), want.grad(g).toHost(), ulp);
            }
        }
    }

    private static void close(String where, HostTensor got, HostTensor want, double ulp) {
        for (int i = 0; i < want.numel(); i++) {
            double g = got.getDouble(i), w = want.getDouble(i);
            if (Double.isNaN(w) ? !Double.isNaN(g) : Math.abs(g - w) > 2 * ulp * Math.max(Math.abs(w), 1e-3)) {
                fail(where + " [" + i + "]: got " + g + " want " + w);
            }
        }
    }

    /** The hand-computed examples of /work/shared/seeds/002_82e200a24ab9a15d.txt (a note on PyTorch's losses). */
    @Test
    void seedNoteExamples() {
        List<LossEngine> engines = new ArrayList<>();
        engines.add(java);
        if (opencl != null) engines.add(opencl);
        HostTensor x = HostTensor.of(new float[] {0.1f, 0.2f, 0.4f, 0.8f}, 1, 4);
        for (LossEngine e : engines) {
            // "0.25 * ((1 - 0.8 + 0.1) + (1 - 0.8 + 0.2) + (1 - 0.8 + 0.4)) = 0.325"
            double mm = e.compute(MultiMarginLoss.builder().build(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {3}, 1))).scalar();
            assertEquals(0.325, mm, 1e-6, e.backendName() + " MultiMarginLoss");
            // y = [3, 0, -1, 1]: labels 3 and 0 only (not after -1);
            // 0.25 * ((1-(0.1-0.2)) + (1-(0.1-0.4)) + (1-(0.8-0.2)) + (1-(0.8-0.4))) = 0.85
            double mlm = e.compute(MultilabelMarginLoss.mean(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {3, 0, -1, 1}, 1, 4))).scalar();
            assertEquals(0.25 * ((1 - (0.1 - 0.2)) + (1 - (0.1 - 0.4)) + (1 - (0.8 - 0.2)) + (1 - (0.8 - 0.4))), mlm, 1e-6, e.backendName() + " MultiLabelMarginLoss");
            assertEquals(0.85, mlm, 1e-6);
        }
    }

    @Test
    void badInputsFailBeforeAnyKernelAndTheEngineStaysUsable() {
        List<LossEngine> engines = new ArrayList<>();
        engines.add(java);
        if (opencl != null) engines.add(opencl);
        HostTensor x = HostTensor.of(new float[] {0.1f, 0.2f, 0.4f, 0.8f, 1, 2, 3, 4}, 2, 4);
        for (LossEngine e : engines) {
            expect(e, "multi_margin_loss: target 4 at index [1]", MultiMarginLoss.builder().build(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {0, 4}, 2)));
            expect(e, "multi_margin_loss: inconsistent target size", MultiMarginLoss.builder().build(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {0}, 1)));
            expect(e, "multi_margin_loss: Expected non-empty vector or matrix", MultiMarginLoss.builder().build(),
                    LossInputs.of("input", HostTensor.of(new float[8], 2, 2, 2), "target", HostTensor.of(new long[] {0, 1}, 2)));
            expect(e, "multilabel_margin_loss: target -2 at index [0, 2]", MultilabelMarginLoss.mean(),
                    LossInputs.of("input", x, "target", HostTensor.of(new long[] {3, 0, -2, 1, 0, -1, 0, 0}, 2, 4)));
            expect(e, "multilabel_margin_loss: target 7 at index [0, 2]", MultilabelMarginLoss.mean(),
                    LossInputs.of("input", x, "target", HostTensor.of(new long[] {3, -1, 7, 1, 0, -1, 0, 0}, 2, 4)));
            expect(e, "multilabel_margin_loss: inconsistent size", MultilabelMarginLoss.mean(),
                    LossInputs.of("input", x, "target", HostTensor.of(new long[] {3, 0, -1}, 1, 3)));
            expect(e, "multilabel_soft_margin_loss: weight", MultilabelSoftMarginLoss.builder().weight(HostTensor.of(new float[3], 3)).build(),
                    LossInputs.of("input", x, "target", x));
            expect(e, "triplet_margin_loss: All inputs should have same dimension", TripletMarginLoss.builder().build(),
                    LossInputs.of("anchor", x, "positive", HostTensor.of(new float[4], 4), "negative", x));
            expect(e, "triplet_margin_with_distance_loss: positive", TripletMarginWithDistanceLoss.builder().build(),
                    LossInputs.of("anchor", x, "positive", HostTensor.of(new float[6], 2, 3), "negative", x));
            // still usable
            assertEquals(0.325, e.compute(MultiMarginLoss.builder().build(),
                    LossInputs.of("input", HostTensor.of(new float[] {0.1f, 0.2f, 0.4f, 0.8f}, 4), "target", HostTensor.of(new long[] {3}))).scalar(), 1e-6);
        }
        assertThrows(InvalidArgumentException.class, () -> MultiMarginLoss.builder().p(3).build());
        assertThrows(InvalidArgumentException.class, () -> MultiMarginLoss.builder().weight(HostTensor.of(new float[4], 2, 2)).build());
        assertThrows(InvalidArgumentException.class, () -> TripletMarginWithDistanceLoss.fromOptions(
                Options.of("triplet_margin_with_distance_loss", Map.of("distance_function", "manhattan"))));
    }

    /** Device-resident inputs: results stay on the device; a bad class index raises an error from the device flag. */
    @Test
    void deviceResidentTargets() {
        OpenClSupport.assume();
        io.losscl.opencl.OpenClBackend b = (io.losscl.opencl.OpenClBackend) opencl.backend();
        HostTensor x = HostTensor.of(new float[] {0.1f, 0.2f, 0.4f, 0.8f, 1, 2, 3, 4}, 2, 4);
        try (io.losscl.opencl.DeviceTensor dx = b.upload(x);
             io.losscl.opencl.DeviceTensor good = b.upload(HostTensor.of(new long[] {3, 1}, 2));
             io.losscl.opencl.DeviceTensor bad = b.upload(HostTensor.of(new long[] {3, 4}, 2));
             io.losscl.opencl.DeviceTensor badLabels = b.upload(HostTensor.of(new long[] {3, -1, 9, 0, 0, -1, 0, 0}, 2, 4))) {
            LossResult r = opencl.compute(MultiMarginLoss.builder().build(), LossInputs.of("input", dx, "target", good), "input");
            LossResult want = java.compute(MultiMarginLoss.builder().build(), LossInputs.of("input", x, "target", HostTensor.of(new long[] {3, 1}, 2)), "input");
            same("device-resident multi_margin", r.output().toHost(), want.output().toHost());
            same("device-resident multi_margin grad", r.grad("input").toHost(), want.grad("input").toHost());
            InvalidArgumentException e1 = assertThrows(InvalidArgumentException.class,
                    () -> opencl.compute(MultiMarginLoss.builder().build(), LossInputs.of("input", dx, "target", bad)));
            // The call's one device error flag carries the first bad index: the message names the value and where.
            assertEquals("multi_margin_loss: target 4 at index [1] is out of range [0, 4)", e1.getMessage());
            InvalidArgumentException e2 = assertThrows(InvalidArgumentException.class,
                    () -> opencl.compute(MultilabelMarginLoss.mean(), LossInputs.of("input", dx, "target", badLabels), "input"));
            assertEquals("multilabel_margin_loss: target 9 at index [0, 2] is out of range [-1, 4)", e2.getMessage());
            closeAll(r);
        }
        assertEquals(0.325, opencl.compute(MultiMarginLoss.builder().build(),
                LossInputs.of("input", HostTensor.of(new float[] {0.1f, 0.2f, 0.4f, 0.8f}, 4), "target", HostTensor.of(new long[] {3}))).scalar(), 1e-6);
    }

    private static void closeAll(LossResult r) {
        if (r.output() instanceof AutoCloseable) close((AutoCloseable) r.output());
        for (Tensor t : r.grads().values()) if (t instanceof AutoCloseable) close((AutoCloseable) t);
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void expect(LossEngine e, String prefix, Loss loss, LossInputs in) {
        InvalidArgumentException ex = assertThrows(InvalidArgumentException.class, () -> e.compute(loss, in, loss.inputNames().get(0)));
        assertTrue(ex.getMessage().startsWith(prefix), e.backendName() + ": message '" + ex.getMessage() + "' should start with '" + prefix + "'");
    }
}
