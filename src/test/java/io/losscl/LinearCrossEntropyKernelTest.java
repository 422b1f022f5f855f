package io.losscl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.cli.Tolerance;
import io.losscl.loss.LinearCrossEntropyLoss;
import io.losscl.opencl.LaunchConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * linear_cross_entropy's chunked OpenCL kernel against the Java reference (which holds the logits): random
 * shapes with odd sizes (V and H not multiples of any tile, H = 1, K-dim leading shapes), chunks forced small
 * ({@link LaunchConfig.Overrides#lceChunkRows}) so that dW and db accumulate over many chunks and the last chunk is
 * partial, every reduction and option, forward and all three gradients; float64, float16 and bfloat16 inputs; the
 * GPU launch profile (local-memory tiles, float GEMMs) on the local device; bitwise reproducibility.
 */
class LinearCrossEntropyKernelTest {
    private static LossEngine java;
    private static LossEngine opencl;

    @BeforeAll
    static void open() {
        java = LossEngine.create(BackendKind.JAVA);
        if (OpenClSupport.available()) opencl = LossEngine.create(BackendKind.OPENCL);
    }

    /** OpenCL engines by launch (profile, forced chunk rows), created on first use. */
    private static final Map<String, LossEngine> launches = new HashMap<>();

    @AfterAll
    static void close() {
        java.close();
        if (opencl != null) opencl.close();
        launches.values().forEach(LossEngine::close);
    }

    /** The engine of the local device's launch (or the GPU profile's) with {@code chunk} rows per chunk (0: chosen). */
    private static synchronized LossEngine engine(boolean gpuProfile, long chunk) {
        if (!gpuProfile && chunk == 0) return opencl;
        return launches.computeIfAbsent(gpuProfile + "/" + chunk, k -> {
            LaunchConfig.Overrides o = LaunchConfig.overrides();
            if (gpuProfile) o = o.profile(LaunchConfig.Profile.GPU);
            if (chunk > 0) o = o.lceChunkRows(chunk);
            return LossEngine.create(BackendKind.OPENCL, null, o);
        });
    }

    /** {leading shape..., H, V, forced chunk rows (0: the host's choice)}. */
    private static final long[][] CASES = {
            {1, 1, 1, 0}, {5, 1, 7, 2}, {37, 13, 101, 0}, {37, 13, 101, 5}, {64, 32, 1000, 0},
            {2, 3, 9, 33, 4}, {130, 17, 333, 7}, {200, 64, 5003, 64}, {3, 70, 2, 1}, {0, 8, 5, 0}};

    private static final String[] GRADS = {"input", "linear_weight", "linear_bias"};

    @TestFactory
    Stream<DynamicTest> againstReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long[] c : CASES) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                String name = Arrays.toString(c) + " " + red;
                tests.add(DynamicTest.dynamicTest("plain " + name, () -> check(LinearCrossEntropyLoss.builder().reduction(red).build(), c, DType.FLOAT32, true)));
                tests.add(DynamicTest.dynamicTest("all options " + name, () -> check(LinearCrossEntropyLoss.builder().reduction(red)
                        .weight(weights(c[c.length - 2])).labelSmoothing(0.2).ignoreIndex(3).softcap(3.0).zLoss(1e-2).build(), c, DType.FLOAT32, false)));
            }
        }
        // The GPU configuration (local-memory tiles, float GEMMs) on this device, every reduction and option.
        for (long[] c : new long[][] {{37, 13, 101, 5}, {2, 3, 9, 33, 4}, {130, 17, 333, 7}, {0, 8, 5, 0}}) {
            for (Reduction red : new Reduction[] {Reduction.NONE, Reduction.MEAN}) {
                tests.add(DynamicTest.dynamicTest("gpu tiles " + Arrays.toString(c) + " " + red, () -> check(true, LinearCrossEntropyLoss.builder()
                        .reduction(red).weight(weights(c[c.length - 2])).labelSmoothing(0.2).ignoreIndex(3).softcap(3.0).zLoss(1e-2).build(), c, DType.FLOAT32, true)));
            }
        }
        long[] odd = {37, 13, 101, 5};
        LinearCrossEntropyLoss all = LinearCrossEntropyLoss.builder().weight(weights(101)).labelSmoothing(0.1).ignoreIndex(3).softcap(2.5).zLoss(1e-3).build();
        for (DType d : new DType[] {DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16}) {
            tests.add(DynamicTest.dynamicTest(d + " " + Arrays.toString(odd), () -> check(all, odd, d, true)));
        }
        return tests.stream();
    }

    @Test
    void bitwiseReproducibleAcrossCalls() {
        OpenClSupport.assume();
        long[] c = {200, 64, 5003, 64};
        LossInputs in = inputs(c, DType.FLOAT32, true, new Random(7));
        LinearCrossEntropyLoss loss = LinearCrossEntropyLoss.builder().zLoss(1e-3).build();
        LossEngine e = engine(false, c[c.length - 1]);
        LossResult a = e.compute(loss, in, GRADS), b = e.compute(loss, in, GRADS);
        assertArrayEquals(a.output().toHost().toDoubleArray(), b.output().toHost().toDoubleArray(), 0.0);
        for (String g : GRADS) assertArrayEquals(a.grad(g).toHost().toDoubleArray(), b.grad(g).toHost().toDoubleArray(), 0.0, g);
    }

    /** A device-resident target is read back and checked before any kernel; the engine stays usable. */
    @Test
    void deviceTargetOutOfRangeIsAnInvalidArgument() {
        OpenClSupport.assume();
        long[] c = {4, 3, 5, 0};
        LossInputs in = inputs(c, DType.FLOAT32, false, new Random(3));
        io.losscl.opencl.OpenClBackend b = (io.losscl.opencl.OpenClBackend) opencl.backend();
        try (io.losscl.opencl.DeviceTensor t = b.upload(HostTensor.of(new long[] {0, 4, 5, 1}, 4))) {
            LossInputs bad = LossInputs.of("input", in.get("input"), "linear_weight", in.get("linear_weight"), "target", t);
            InvalidArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidArgumentException.class,
                    () -> opencl.compute(LinearCrossEntropyLoss.of(), bad, "input"));
            assertEquals("linear_cross_entropy: target 5 at index [2] is out of range [0, 5)", e.getMessage());
        }
        check(LinearCrossEntropyLoss.of(), c, DType.FLOAT32, false);
    }

    /**
     * The memory bound: one forward+backward call borrows at most 1/8 of the N x V x 4 bytes of the logits beyond
     * its inputs and results (N = 8192, V = 4096: 128 MiB of logits, 32 chunks with dW's compensation buffer).
     */
    @Test
    void extraDeviceMemoryIsAtMostAnEighthOfTheLogits() {
        OpenClSupport.assume();
        long n = 8192, h = 4, v = 4096;
        long[] c = {n, h, v, 0};
        LossInputs host = inputs(c, DType.FLOAT32, false, new Random(5));
        io.losscl.opencl.OpenClBackend b = (io.losscl.opencl.OpenClBackend) opencl.backend();
        io.losscl.opencl.OpenClContext cl = b.context();
        try (io.losscl.opencl.DeviceTensor x = b.upload((HostTensor) host.get("input"));
             io.losscl.opencl.DeviceTensor w = b.upload((HostTensor) host.get("linear_weight"));
             io.losscl.opencl.DeviceTensor t = b.upload((HostTensor) host.get("target"))) {
            long before;
            synchronized (cl) {
                before = cl.borrowedBytes();
                cl.resetPeakBytes();
            }
            LossResult r = opencl.compute(LinearCrossEntropyLoss.builder().zLoss(1e-4).build(),
                    LossInputs.of("input", x, "linear_weight", w, "target", t), "input", "linear_weight");
            long peak;
            synchronized (cl) { peak = cl.peakBorrowedBytes(); }
            long results = 0;
            for (Tensor g : List.of(r.output(), r.grad("input"), r.grad("linear_weight"))) {
                results += ((io.losscl.opencl.DeviceTensor) g).buffer().bytes();
                ((io.losscl.opencl.DeviceTensor) g).close();
            }
            long extra = peak - before - results, logits = n * v * 4;
            org.junit.jupiter.api.Assertions.assertTrue(extra <= logits / 8, "extra device memory " + extra + " bytes > 1/8 of the logits' " + logits);
        }
    }

    private static void check(LinearCrossEntropyLoss loss, long[] c, DType dtype, boolean bias) {
        check(false, loss, c, dtype, bias);
    }

    private static void check(boolean gpuProfile, LinearCrossEntropyLoss loss, long[] c, DType dtype, boolean bias) {
        OpenClSupport.assume();
        LossInputs in = inputs(c, dtype, bias, new Random(Arrays.hashCode(c) + 31L * dtype.ordinal()));
        String[] grads = bias ? GRADS : new String[] {"input", "linear_weight"};
        LossResult want = java.compute(loss, in, grads);
        LossResult got = engine(gpuProfile, c[c.length - 1]).compute(loss, in, grads);
        compare("loss", got.output().toHost(), want.output().toHost(), dtype);
        for (String g : grads) compare(g, got.grad(g).toHost(), want.grad(g).toHost(), dtype);
    }

    /** Input (leading..., H) ~ N(0, 1), W (V, H) ~ N(0, 1) / sqrt(H) * 3, b ~ N(0, 1); every fourth target 3 (ignored where ignore_index is 3). */
    private static LossInputs inputs(long[] c, DType dtype, boolean bias, Random rnd) {
        int k = c.length;
        long h = c[k - 3], v = c[k - 2];
        long[] lead = Arrays.copyOf(c, k - 3);
        long n = Shape.of(lead).numel();
        long[] xs = Arrays.copyOf(lead, lead.length + 1);
        xs[lead.length] = h;
        double[] x = new double[(int) (n * h)], w = new double[(int) (v * h)], b = new double[(int) v];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextGaussian() * 3 / Math.sqrt(h);
        for (int i = 0; i < b.length; i++) b[i] = rnd.nextGaussian();
        long[] t = new long[(int) n];
        for (int i = 0; i < t.length; i++) t[i] = i % 4 == 3 && v > 3 ? 3 : rnd.nextInt((int) v);
        List<Object> pairs = new ArrayList<>(List.of("input", HostTensor.fromDoubles(dtype, Shape.of(xs), x),
                "linear_weight", HostTensor.fromDoubles(dtype, Shape.of(v, h), w), "target", HostTensor.of(t, lead)));
        if (bias) pairs.addAll(List.of("linear_bias", HostTensor.fromDoubles(dtype, Shape.of(v), b)));
        return LossInputs.of(pairs.toArray());
    }

    private static float[] weights(long c) {
        float[] w = new float[(int) c];
        for (int i = 0; i < w.length; i++) w[i] = 0.25f + (i % 11) / 5f;
        return w;
    }

    /**
     * Per element: within 1e-5 + 1e-4 |want| of the float64 answer; a 16-bit result may instead be within one ulp of
     * its dtype (its products accumulate in float32, as PyTorch's CPU matmul of half tensors does, then round once).
     */
    private static void compare(String what, HostTensor got, HostTensor want, DType dtype) {
        assertEquals(want.shape(), got.shape(), what + " shape");
        double[] g = got.toDoubleArray(), w = want.toDoubleArray();
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.length; i++) {
            String why = Tolerance.check(g[i], w[i], dtype == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32);
            if (why != null && (dtype == DType.FLOAT16 || dtype == DType.BFLOAT16)) why = Tolerance.checkHalf(g[i], w[i], dtype);
            if (why != null && bad++ < 5) sb.append("\n  [").append(i).append("] got ").append(g[i]).append(" want ").append(w[i]).append(": ").append(why);
        }
        if (bad > 0) fail(what + ": " + bad + " of " + g.length + " elements wrong" + sb);
    }
}
