package io.losscl;

import io.losscl.cli.Tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.loss.CtcLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ctc_loss: OpenCL against the Java reference on random batches (tiny to T = 1000 / S = 200, extended
 * targets longer than a work-group, many classes, every option), closed-form values, determinism,
 * device-resident inputs, and bad input rejected before any kernel with the engine still usable.
 */
class CtcLossTest {
    private static LossEngine ref;
    private static LossEngine opencl;

    @BeforeAll
    static void open() {
        ref = LossEngine.create(BackendKind.JAVA);
        if (OpenClSupport.available()) opencl = LossEngine.create(BackendKind.OPENCL);
    }

    @AfterAll
    static void close() {
        ref.close();
        if (opencl != null) opencl.close();
        VARIANTS.values().forEach(LossEngine::close);
    }

    /** One random batch: sizes, options, and how targets and lengths are drawn. */
    static final class Spec {
        final String name;
        int t = 12, n = 3, c = 5, s = 4;
        long blank = 0;
        Reduction reduction = Reduction.MEAN;
        boolean zeroInfinity, concat, unbatched, float64;
        double repeats = 0.2, impossible = 0.0, emptyTarget = 0.0;
        /* log_probs are log_softmax of N(0, spread^2) logits; negInf: fraction of entries set to -inf */
        double spread = 2, negInf = 0.0;

        Spec(String name) { this.name = name; }

        Spec with(Consumer<Spec> f) { f.accept(this); return this; }

        @Override public String toString() { return name + "/" + reduction + (zeroInfinity ? "/zi" : ""); }
    }

    static Stream<Arguments> randomCases() {
        List<Spec> base = List.of(
                new Spec("tiny").with(x -> { x.t = 1; x.n = 1; x.c = 2; x.s = 1; }),
                new Spec("small"),
                new Spec("concat").with(x -> { x.concat = true; x.emptyTarget = 0.3; }),
                new Spec("blank-last").with(x -> { x.c = 7; x.blank = 6; x.repeats = 0.5; }),
                new Spec("blank-mid-f64").with(x -> { x.c = 9; x.blank = 4; x.float64 = true; }),
                new Spec("unbatched").with(x -> { x.unbatched = true; x.n = 1; x.t = 17; }),
                new Spec("unbatched-concat").with(x -> { x.unbatched = true; x.concat = true; x.n = 1; }),
                new Spec("impossible").with(x -> { x.t = 8; x.s = 6; x.n = 5; x.repeats = 0.6; x.impossible = 0.5; }),
                new Spec("L>wg").with(x -> { x.t = 150; x.n = 3; x.c = 11; x.s = 70; }),
                new Spec("C>wg-oddN").with(x -> { x.t = 40; x.n = 33; x.c = 301; x.s = 9; x.emptyTarget = 0.1; }),
                new Spec("long").with(x -> { x.t = 1000; x.n = 2; x.c = 10; x.s = 200; x.repeats = 0.3; }));
        List<Arguments> out = new ArrayList<>();
        for (Spec sp : base) {
            for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                for (boolean zi : new boolean[] {false, true}) {
                    if (sp.name.equals("long") && zi) continue; // keep the runtime down
                    Spec copy = new Spec(sp.name).with(x -> {
                        x.t = sp.t; x.n = sp.n; x.c = sp.c; x.s = sp.s; x.blank = sp.blank; x.concat = sp.concat;
                        x.unbatched = sp.unbatched; x.float64 = sp.float64; x.repeats = sp.repeats;
                        x.impossible = sp.impossible; x.emptyTarget = sp.emptyTarget;
                        x.reduction = r; x.zeroInfinity = zi;
                    });
                    out.add(Arguments.of(copy));
                }
            }
        }
        return out.stream();
    }

    /** Random inputs for {@code sp} (fixed seed per spec name). */
    static LossInputs inputs(Spec sp) {
        Random rnd = new Random(sp.name.hashCode() * 31L + sp.t);
        int t = sp.t, n = sp.n, c = sp.c, s = sp.s;
        double[] lp = new double[t * n * c];
        for (int row = 0; row < t * n; row++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) m = Math.max(m, lp[row * c + k] = sp.spread * rnd.nextGaussian());
            double z = 0;
            for (int k = 0; k < c; k++) z += Math.exp(lp[row * c + k] - m);
            for (int k = 0; k < c; k++) lp[row * c + k] -= m + Math.log(z);
            for (int k = 0; k < c; k++) if (sp.negInf > 0 && rnd.nextDouble() < sp.negInf) lp[row * c + k] = Double.NEGATIVE_INFINITY;
        }
        long[] il = new long[n], tl = new long[n];
        long[][] tg = new long[n][s];
        for (int i = 0; i < n; i++) {
            il[i] = i == 0 ? t : t - rnd.nextInt(Math.max(1, t / 3));
            il[i] = Math.max(il[i], 1);
            tl[i] = rnd.nextDouble() < sp.emptyTarget ? 0 : (i == 0 ? s : rnd.nextInt(s + 1));
            for (int j = 0; j < s; j++) {
                if (j > 0 && rnd.nextDouble() < sp.repeats) tg[i][j] = tg[i][j - 1];
                else do tg[i][j] = rnd.nextInt(c); while (tg[i][j] == sp.blank);
            }
            if (rnd.nextDouble() < sp.impossible) il[i] = Math.max(1, Math.min(il[i], tl[i] - 1));
            else {
                // a feasible target: tl labels plus one blank between each repeat must fit in il
                while (tl[i] > 0 && minFrames(tg[i], (int) tl[i]) > il[i]) tl[i]--;
            }
        }
        Shape lpShape = sp.unbatched ? Shape.of(t, c) : Shape.of(t, n, c);
        HostTensor logProbs = sp.float64 ? HostTensor.of(lp, lpShape.dims()) : HostTensor.fromDoubles(DType.FLOAT32, lpShape, lp);
        HostTensor targets;
        if (sp.concat) {
            int total = 0;
            for (long x : tl) total += (int) x;
            long[] flat = new long[total];
            int k = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < tl[i]; j++) flat[k++] = tg[i][j];
            targets = HostTensor.of(flat, total);
        } else {
            long[] pad = new long[n * s];
            for (int i = 0; i < n; i++) System.arraycopy(tg[i], 0, pad, i * s, s);
            targets = HostTensor.of(pad, n, s);
        }
        HostTensor inLen = sp.unbatched ? HostTensor.of(il) : HostTensor.of(il, n);
        HostTensor tgLen = sp.unbatched ? HostTensor.of(tl) : HostTensor.of(tl, n);
        return LossInputs.of("log_probs", logProbs, "targets", targets, "input_lengths", inLen, "target_lengths", tgLen);
    }

    static int minFrames(long[] tg, int tl) {
        int f = tl;
        for (int j = 1; j < tl; j++) if (tg[j] == tg[j - 1]) f++;
        return f;
    }

    static CtcLoss loss(Spec sp) {
        return CtcLoss.builder().blank(sp.blank).reduction(sp.reduction).zeroInfinity(sp.zeroInfinity).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("randomCases")
    void openclMatchesReference(Spec sp) {
        OpenClSupport.assume();
        matchesReference(opencl, sp);
    }

    private static void matchesReference(LossEngine opencl, Spec sp) {
        LossInputs in = inputs(sp);
        CtcLoss l = loss(sp);
        LossResult want = ref.compute(l, in, "log_probs");
        LossResult got = opencl.compute(l, in, "log_probs");
        assertClose(sp + " output", want.output().toHost(), got.output().toHost());
        assertClose(sp + " grad", want.grad("log_probs").toHost(), got.grad("log_probs").toHost());
        // forward only (the kernel keeps a 2-row ring of alpha instead of the full table)
        LossResult fwd = opencl.compute(l, in);
        assertClose(sp + " forward-only output", want.output().toHost(), fwd.output().toHost());
        // deterministic: bitwise the same on a second run
        LossResult again = opencl.compute(l, in, "log_probs");
        assertArrayEquals(got.output().toHost().toDoubleArray(), again.output().toHost().toDoubleArray(), sp + " rerun output");
        assertArrayEquals(got.grad("log_probs").toHost().toDoubleArray(), again.grad("log_probs").toHost().toDoubleArray(), sp + " rerun grad");
    }

    /**
     * Both kernel variants on this device: the serial one (one work-item per sequence, no barriers: the
     * default on CPU devices) and the work-group-per-sequence one (GPUs), forced by LaunchConfig's ctcSerial.
     * Includes rows shorter than the serial variant's vector width, lengths that are not multiples of
     * it, and log_probs spread so widely (or -inf) that cells fall hundreds of nats below their row's
     * maximum, where the serial variant's shifted exps underflow and it recomputes cells exactly.
     */
    static Stream<Arguments> variantCases() {
        List<Spec> base = List.of(
                new Spec("v-small"),
                new Spec("v-tinyL").with(x -> { x.t = 5; x.n = 3; x.c = 3; x.s = 2; }),
                new Spec("v-concat").with(x -> { x.concat = true; x.emptyTarget = 0.3; x.c = 7; x.blank = 6; }),
                new Spec("v-impossible").with(x -> { x.t = 8; x.s = 6; x.n = 5; x.repeats = 0.6; x.impossible = 0.5; }),
                new Spec("v-L>wg").with(x -> { x.t = 150; x.n = 3; x.c = 11; x.s = 70; }),
                new Spec("v-C>wg-oddN").with(x -> { x.t = 40; x.n = 33; x.c = 301; x.s = 9; x.emptyTarget = 0.1; }),
                new Spec("v-wide").with(x -> { x.t = 300; x.n = 3; x.c = 13; x.s = 40; x.spread = 300; x.repeats = 0.4; }),
                new Spec("v-wide-f64").with(x -> { x.t = 200; x.n = 2; x.c = 9; x.s = 30; x.spread = 150; x.float64 = true; }),
                new Spec("v-neg-inf").with(x -> { x.t = 60; x.n = 4; x.c = 6; x.s = 10; x.negInf = 0.05; }));
        List<Arguments> out = new ArrayList<>();
        for (Spec sp : base) {
            for (String serial : new String[] {"true", "false"}) {
                out.add(Arguments.of(sp, serial));
                Spec zi = new Spec(sp.name).with(x -> {
                    x.t = sp.t; x.n = sp.n; x.c = sp.c; x.s = sp.s; x.blank = sp.blank; x.concat = sp.concat;
                    x.float64 = sp.float64; x.repeats = sp.repeats; x.impossible = sp.impossible;
                    x.emptyTarget = sp.emptyTarget; x.spread = sp.spread; x.negInf = sp.negInf;
                    x.reduction = Reduction.NONE; x.zeroInfinity = true;
                });
                out.add(Arguments.of(zi, serial));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} serial={1}")
    @MethodSource("variantCases")
    void bothVariantsMatchReference(Spec sp, String serial) {
        OpenClSupport.assume();
        boolean s = Boolean.parseBoolean(serial);
        LossEngine e = VARIANTS.computeIfAbsent(s, v -> LossEngine.create(BackendKind.OPENCL, null,
                io.losscl.opencl.LaunchConfig.overrides().ctcSerial(v)));
        matchesReference(e, sp);
    }

    private static final java.util.Map<Boolean, LossEngine> VARIANTS = new java.util.concurrent.ConcurrentHashMap<>();

    static void assertClose(String what, HostTensor want, HostTensor got) {
        assertEquals(want.shape(), got.shape(), what + " shape");
        assertEquals(want.dtype(), got.dtype(), what + " dtype");
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < want.numel(); i++) {
            String why = Tolerance.check(got.getDouble(i), want.getDouble(i), want.dtype());
            if (why != null && bad++ < 5) sb.append(String.format("%n  [%d] got %s want %s: %s", i, got.getDouble(i), want.getDouble(i), why));
        }
        if (bad > 0) fail(what + ": " + bad + " of " + want.numel() + " wrong" + sb);
    }

    /** T = 3, C = 2 (blank 0), target [1], uniform probabilities: 6 of the 8 paths collapse to [1]. */
    /**
     * A NaN or +inf log-prob at a cell no path reaches yet still makes that cell NaN in PyTorch (-inf + NaN), and
     * the NaN spreads to the end: the serial variant, which skips unreachable cells, computes every cell from the
     * first such log-prob on. T = 30, S = 12 (L = 25, beyond one 8-cell block): at t = 1 only cells s <= 3 are
     * reachable; the last label's cell s = 23 is not. Loss and gradient (NaN where the reference has NaN) match the reference, both variants.
     */
    @ParameterizedTest(name = "{0} at an unreachable cell, serial={1}")
    @org.junit.jupiter.params.provider.CsvSource({"NaN,true", "NaN,false", "Infinity,true", "Infinity,false"})
    void nonFiniteLogProbAtAnUnreachableCellSpreadsAsInPyTorch(double odd, boolean serial) {
        OpenClSupport.assume();
        int t = 30, c = 14;
        long[] tg = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        java.util.Random rnd = new java.util.Random(7);
        double[] lp = new double[t * c];
        for (int k = 0; k < lp.length; k++) lp[k] = Math.log((1 + rnd.nextDouble()) / (c * 1.5));
        lp[1 * c + 12] = odd; // t = 1, class 12: the last label, cell s = 23 > 2t + 1
        for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.SUM}) {
            LossInputs in = LossInputs.of("log_probs", HostTensor.fromDoubles(DType.FLOAT32, Shape.of(t, 1, c), lp),
                    "targets", HostTensor.of(tg, 1, tg.length), "input_lengths", HostTensor.of(new long[] {t}, 1),
                    "target_lengths", HostTensor.of(new long[] {tg.length}, 1));
            CtcLoss l = CtcLoss.builder().reduction(red).build();
            LossEngine e = VARIANTS.computeIfAbsent(serial, v -> LossEngine.create(BackendKind.OPENCL, null,
                    io.losscl.opencl.LaunchConfig.overrides().ctcSerial(v)));
            LossResult want = ref.compute(l, in, "log_probs");
            assertTrue(Double.isNaN(want.output().toHost().getDouble(0)), "the reference spreads the NaN to the loss");
            LossResult got = e.compute(l, in, "log_probs");
            assertClose(red + " output", want.output().toHost(), got.output().toHost());
            assertClose(red + " grad", want.grad("log_probs").toHost(), got.grad("log_probs").toHost());
            assertClose(red + " forward-only output", want.output().toHost(), e.compute(l, in).output().toHost());
        }
    }

    @Test
    void closedFormOnBothBackends() {
        double[] lp = new double[6];
        Arrays.fill(lp, Math.log(0.5));
        LossInputs in = LossInputs.of("log_probs", HostTensor.of(lp, 3, 1, 2), "targets", HostTensor.of(new long[] {1}, 1, 1),
                "input_lengths", HostTensor.of(new long[] {3}, 1), "target_lengths", HostTensor.of(new long[] {1}, 1));
        CtcLoss sum = CtcLoss.builder().reduction(Reduction.SUM).build();
        List<LossEngine> engines = new ArrayList<>(List.of(ref));
        if (opencl != null) engines.add(opencl);
        for (LossEngine e : engines) {
            LossResult r = e.compute(sum, in, "log_probs");
            assertEquals(-Math.log(0.75), r.scalar(), 1e-12, e.backendName());
            // PyTorch's gradient: exp(lp) - occupancy; at t = 1 class 1 is occupied by x1x (4 of the 6 paths)
            double[] g = r.grad("log_probs").toHost().toDoubleArray();
            assertEquals(0.5 - 4.0 / 6, g[3], 1e-12, e.backendName() + " grad[1, 0, 1]");
            assertEquals(0.0, g[2] + g[3], 1e-12, e.backendName() + " grad row sums to 0");
        }
    }

    @Test
    void impossibleAlignmentIsInfiniteUnlessZeroInfinity() {
        LossInputs in = LossInputs.of("log_probs", HostTensor.of(new float[] {-1, -1, -1, -1, -1, -1}, 2, 1, 3),
                "targets", HostTensor.of(new long[] {1, 1}, 1, 2),
                "input_lengths", HostTensor.of(new long[] {2}, 1), "target_lengths", HostTensor.of(new long[] {2}, 1));
        List<LossEngine> engines = new ArrayList<>(List.of(ref));
        if (opencl != null) engines.add(opencl);
        for (LossEngine e : engines) {
            LossResult inf = e.compute(CtcLoss.builder().reduction(Reduction.NONE).build(), in, "log_probs");
            assertEquals(Double.POSITIVE_INFINITY, inf.output().toHost().getDouble(0), e.backendName());
            assertTrue(Double.isNaN(inf.grad("log_probs").toHost().getDouble(0)), e.backendName() + ": PyTorch's NaN gradient");
            LossResult zero = e.compute(CtcLoss.builder().zeroInfinity(true).build(), in, "log_probs");
            assertEquals(0.0, zero.scalar(), e.backendName());
            for (double v : zero.grad("log_probs").toHost().toDoubleArray()) assertEquals(0.0, v, e.backendName());
        }
    }

    @Test
    void emptyBatch() {
        List<LossEngine> engines = new ArrayList<>(List.of(ref));
        if (opencl != null) engines.add(opencl);
        LossInputs in = LossInputs.of("log_probs", HostTensor.of(new float[0], 4, 0, 3), "targets", HostTensor.of(new long[0], 0, 2),
                "input_lengths", HostTensor.of(new long[0], 0), "target_lengths", HostTensor.of(new long[0], 0));
        for (LossEngine e : engines) {
            assertTrue(Double.isNaN(e.compute(CtcLoss.defaults(), in, "log_probs").scalar()), e.backendName() + " mean of nothing");
            assertEquals(0.0, e.compute(CtcLoss.builder().reduction(Reduction.SUM).build(), in).scalar(), e.backendName());
            assertEquals(Shape.of(0), e.compute(CtcLoss.builder().reduction(Reduction.NONE).build(), in).output().shape());
        }
    }

    /** log_probs (and the integer inputs) already on the device: results stay there. */
    @Test
    void deviceResidentInputs() {
        OpenClSupport.assume();
        Spec sp = new Spec("device").with(x -> { x.t = 50; x.n = 16; x.c = 20; x.s = 30; });
        LossInputs host = inputs(sp);
        OpenClBackend b = (OpenClBackend) opencl.backend();
        try (DeviceTensor lp = b.upload((HostTensor) host.get("log_probs"));
             DeviceTensor tg = b.upload((HostTensor) host.get("targets"))) {
            LossInputs dev = LossInputs.of("log_probs", lp, "targets", tg,
                    "input_lengths", host.get("input_lengths"), "target_lengths", host.get("target_lengths"));
            CtcLoss l = CtcLoss.defaults();
            LossResult got = opencl.compute(l, dev, "log_probs");
            assertInstanceOf(DeviceTensor.class, got.output());
            LossResult want = ref.compute(l, host, "log_probs");
            assertClose("device output", want.output().toHost(), got.output().toHost());
            assertClose("device grad", want.grad("log_probs").toHost(), got.grad("log_probs").toHost());
            ((DeviceTensor) got.output()).close();
            ((DeviceTensor) got.grad("log_probs")).close();
        }
    }

    static Stream<Arguments> badInputs() {
        HostTensor lp = HostTensor.fromDoubles(DType.FLOAT32, Shape.of(6, 2, 5), new double[60]);
        HostTensor tg = HostTensor.of(new long[] {1, 2, 3, 4, 4, 1}, 2, 3);
        HostTensor il = HostTensor.of(new long[] {6, 5}, 2), tl = HostTensor.of(new long[] {3, 2}, 2);
        return Stream.of(
                Arguments.of("blank = C", CtcLoss.builder().blank(5).build(), lp, tg, il, tl),
                Arguments.of("input length > T", CtcLoss.defaults(), lp, tg, HostTensor.of(new long[] {7, 5}, 2), tl),
                Arguments.of("negative input length", CtcLoss.defaults(), lp, tg, HostTensor.of(new long[] {-1, 5}, 2), tl),
                Arguments.of("negative target length", CtcLoss.defaults(), lp, tg, il, HostTensor.of(new long[] {3, -2}, 2)),
                Arguments.of("target length > S", CtcLoss.defaults(), lp, tg, il, HostTensor.of(new long[] {4, 2}, 2)),
                Arguments.of("concatenated too short", CtcLoss.defaults(), lp, HostTensor.of(new long[] {1, 2, 3, 4}, 4), il, tl),
                Arguments.of("padded rows != N", CtcLoss.defaults(), lp, HostTensor.of(new long[] {1, 2, 3}, 1, 3), il, tl),
                Arguments.of("lengths size != N", CtcLoss.defaults(), lp, tg, HostTensor.of(new long[] {6, 5, 4}, 3), tl),
                Arguments.of("target label >= C", CtcLoss.defaults(), lp, HostTensor.of(new long[] {1, 2, 3, 4, 5, 1}, 2, 3), il, tl),
                Arguments.of("target label < 0", CtcLoss.defaults(), lp, HostTensor.of(new long[] {1, -2, 3, 4, 4, 1}, 2, 3), il, tl),
                Arguments.of("log_probs 4-D", CtcLoss.defaults(), HostTensor.fromDoubles(DType.FLOAT32, Shape.of(6, 2, 5, 1), new double[60]), tg, il, tl),
                Arguments.of("targets 3-D", CtcLoss.defaults(), lp, HostTensor.of(new long[] {1, 2, 3, 4, 4, 1}, 2, 3, 1), il, tl),
                Arguments.of("float lengths", CtcLoss.defaults(), lp, tg, HostTensor.of(new float[] {6, 5}, 2), tl),
                Arguments.of("float16 log_probs", CtcLoss.defaults(), HostTensor.ofHalfBits(DType.FLOAT16, new short[60], 6, 2, 5), tg, il, tl));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputRejectedBeforeAnyKernel(String why, CtcLoss l, HostTensor lp, HostTensor tg, HostTensor il, HostTensor tl) {
        LossInputs in = LossInputs.of("log_probs", lp, "targets", tg, "input_lengths", il, "target_lengths", tl);
        List<LossEngine> engines = new ArrayList<>(List.of(ref));
        if (opencl != null) engines.add(opencl);
        for (LossEngine e : engines) {
            InvalidArgumentException ex = assertThrows(InvalidArgumentException.class, () -> e.compute(l, in, "log_probs"), why);
            assertTrue(ex.getMessage().startsWith("ctc_loss: "), ex.getMessage());
            // still usable
            Spec ok = new Spec("after-error");
            LossResult r = e.compute(CtcLoss.defaults(), inputs(ok), "log_probs");
            assertTrue(Double.isFinite(r.scalar()), e.backendName());
        }
    }

    @Test
    void optionsFromPyTorchNames() {
        CtcLoss l = CtcLoss.fromOptions(Options.of("ctc_loss", Map.of("blank", 3L, "reduction", "sum", "zero_infinity", true)));
        assertEquals(3, l.blank());
        assertEquals(Reduction.SUM, l.reduction());
        assertTrue(l.zeroInfinity());
        assertThrows(InvalidArgumentException.class, () -> CtcLoss.fromOptions(Options.of("ctc_loss", Map.of("reduction", "batchmean"))));
        assertThrows(InvalidArgumentException.class, () -> CtcLoss.fromOptions(Options.of("ctc_loss", Map.of("weight", 1.0))));
        assertThrows(InvalidArgumentException.class, () -> CtcLoss.builder().blank(-1).build());
    }
}
