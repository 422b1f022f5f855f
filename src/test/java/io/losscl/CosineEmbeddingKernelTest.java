package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.CosineEmbeddingLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * cosine_embedding_loss: OpenCL against the Java reference on random inputs over shapes (one short
 * row, odd sizes, many narrow rows, few wide rows, unbatched), both kernel layouts (row per
 * work-item and work-group per row), float and int64 targets (with values other than +-1), a (1)
 * target broadcast over the rows, margins and reductions; then bad input.
 */
class CosineEmbeddingKernelTest {
    private static LossEngine cl;
    private static LossEngine java;

    @BeforeAll
    static void open() { java = LossEngine.create(BackendKind.JAVA); }

    @AfterAll
    static void close() {
        if (cl != null) cl.close();
        LAYOUTS.values().forEach(LossEngine::close);
        java.close();
    }

    private static LossEngine opencl() {
        OpenClSupport.assume();
        if (cl == null) cl = LossEngine.create(BackendKind.OPENCL);
        return cl;
    }

    private static final java.util.Map<String, LossEngine> LAYOUTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The engine of a layout: "" the default, "true" a work-item per row, "false" a work-group per row (LaunchConfig.cosineRowMode). */
    private static LossEngine opencl(String rowPerItem) {
        if (rowPerItem.isEmpty()) return opencl();
        OpenClSupport.assume();
        return LAYOUTS.computeIfAbsent(rowPerItem, v -> LossEngine.create(BackendKind.OPENCL, null, io.losscl.opencl.LaunchConfig.overrides()
                .cosineRowMode(Boolean.parseBoolean(v) ? io.losscl.opencl.LaunchConfig.RowMode.ITEM : io.losscl.opencl.LaunchConfig.RowMode.GROUP)));
    }

    static Stream<Arguments> cases() {
        long[][] shapes = {{1, 1}, {7, 3}, {65, 64}, {513, 1000}, {3, 4097}, {1, 100_000}, {5000, 8}, {0, 4}, {5, 0}, {6}, {1}};
        List<Arguments> a = new ArrayList<>();
        for (long[] s : shapes) {
            for (String layout : new String[] {"", "true", "false"}) a.add(Arguments.of(s, layout));
        }
        return a.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesReference(long[] shape, String rowPerItem) {
        LossEngine engine = opencl(rowPerItem);
        Random rnd = new Random(shape[0] * 31 + (shape.length > 1 ? shape[1] : 0));
        HostTensor x1 = KernelCheck.uniform(rnd, DType.FLOAT32, -1, 1, shape);
        HostTensor x2 = KernelCheck.uniform(rnd, DType.FLOAT32, -1, 1, shape);
        if (shape.length == 2 && shape[0] > 2 && shape[1] > 0) {
            float[] f = x2.floatData();
            for (int j = 0; j < shape[1]; j++) f[(int) shape[1] + j] = 0;            // a zero row: huge, finite gradient
            System.arraycopy(x1.floatData(), 0, f, 2 * (int) shape[1], (int) shape[1]); // identical rows: cos = 1
        }
        boolean batched = shape.length == 2;
        int rows = batched ? (int) shape[0] : 1;
        long[] tShape = batched ? new long[] {rows} : new long[0];
        long[] codes = new long[rows];
        for (int i = 0; i < rows; i++) codes[i] = i % 7 == 6 ? 0 : (rnd.nextBoolean() ? 1 : -1); // some targets are neither
        double[] asDouble = new double[rows];
        for (int i = 0; i < rows; i++) asDouble[i] = codes[i];
        List<HostTensor> targets = new ArrayList<>();
        targets.add(HostTensor.fromDoubles(DType.FLOAT32, Shape.of(tShape), asDouble));
        targets.add(HostTensor.of(codes, tShape));
        if (batched && rows > 1) targets.add(HostTensor.of(new float[] {-1}, 1)); // broadcast over the rows
        {
            boolean big = x1.numel() > 50_000;
            for (HostTensor t : big ? targets.subList(0, 2) : targets) {
                for (double margin : big ? new double[] {0.3} : new double[] {0, 0.3, -0.5}) {
                    for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
                        CosineEmbeddingLoss loss = CosineEmbeddingLoss.builder().margin(margin).reduction(r).build();
                        LossInputs in = LossInputs.of("input1", x1, "input2", x2, "target", t);
                        String what = loss + " " + x1.shape() + " target " + t.dtype() + t.shape() + " rowPerItem=" + rowPerItem;
                        KernelCheck.same(what, java.compute(loss, in, "input1", "input2"), engine.compute(loss, in, "input1", "input2"));
                        if (margin == 0 || big) {
                            KernelCheck.same(what + " (input2 only)", java.compute(loss, in, "input2"), engine.compute(loss, in, "input2"));
                            KernelCheck.same(what + " (forward)", java.compute(loss, in), engine.compute(loss, in));
                        }
                    }
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void sixteenBitStorage() {
        Random rnd = new Random(16);
        for (DType dt : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            double rel = dt == DType.FLOAT16 ? 2e-3 : 1.6e-2;
            HostTensor x1 = KernelCheck.uniform(rnd, dt, -1, 1, 37, 300);
            HostTensor x2 = KernelCheck.uniform(rnd, dt, -1, 1, 37, 300);
            long[] t = new long[37];
            for (int i = 0; i < t.length; i++) t[i] = i % 2 == 0 ? 1 : -1;
            for (String layout : new String[] {"true", "false"}) {
                LossEngine engine = opencl(layout);
                {
                    CosineEmbeddingLoss loss = CosineEmbeddingLoss.builder().margin(-0.2).reduction(Reduction.NONE).build();
                    LossInputs in = LossInputs.of("input1", x1, "input2", x2, "target", HostTensor.of(t, 37));
                    KernelCheck.close16(loss + " " + dt + " rowPerItem=" + layout, java.compute(loss, in, "input1", "input2"),
                            engine.compute(loss, in, "input1", "input2"), rel);
                }
            }
        }
    }

    static Stream<BackendKind> backends() { return Stream.of(BackendKind.JAVA, BackendKind.OPENCL); }

    @ParameterizedTest
    @MethodSource("backends")
    void badInputIsRejectedBeforeAnyKernelAndTheEngineStaysUsable(BackendKind kind) {
        LossEngine engine = kind == BackendKind.OPENCL ? opencl() : java;
        CosineEmbeddingLoss loss = CosineEmbeddingLoss.builder().build();
        HostTensor a = HostTensor.of(new float[] {1, 0, 0, 1, 1, 0}, 2, 3);
        HostTensor b = HostTensor.of(new float[] {1, 0, 0, 0, 1, 0}, 2, 3);
        HostTensor t = HostTensor.of(new float[] {1, -1}, 2);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> engine.compute(loss, LossInputs.of("input1", a, "input2", b, "target", HostTensor.of(new float[] {1, 1, 1}, 3))));
        assertTrue(e.getMessage().startsWith("cosine_embedding_loss: target of shape [3] does not match"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> engine.compute(loss, LossInputs.of("input1", a, "input2", b, "target", HostTensor.of(new float[] {1}, new long[0]))));
        assertTrue(e.getMessage().startsWith("cosine_embedding_loss: 0D target tensor expects 1D input tensors"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> engine.compute(loss, LossInputs.of("input1", a, "input2", HostTensor.of(new float[] {1, 2, 3, 4}, 2, 2), "target", t)));
        assertTrue(e.getMessage().startsWith("cosine_embedding_loss: input2 of shape [2, 2] cannot be broadcast with input1"), e.getMessage());
        // issue 11: a (1, 3) input2 broadcasts over the rows as in PyTorch (was an UnsupportedFeatureException)
        LossResult one = engine.compute(loss, LossInputs.of("input1", a, "input2", HostTensor.of(new float[] {1, 2, 3}, 1, 3), "target", t), "input2");
        LossResult expanded = engine.compute(loss, LossInputs.of("input1", a, "input2", HostTensor.of(new float[] {1, 2, 3, 1, 2, 3}, 2, 3), "target", t), "input2");
        assertEquals(expanded.scalar(), one.scalar(), 1e-6);
        float[] ge = expanded.grad("input2").toHost().floatData(), g1 = one.grad("input2").toHost().floatData();
        for (int j = 0; j < 3; j++) assertEquals(ge[j] + ge[3 + j], g1[j], 1e-6);
        e = assertThrows(InvalidArgumentException.class,
                () -> engine.compute(loss, LossInputs.of("input1", a, "input2", b, "target", t), "target"));
        assertTrue(e.getMessage().startsWith("cosine_embedding_loss: "), e.getMessage());
        // still usable: row 0 identical (1 - 1 = 0), row 1 orthogonal with target -1 (max(0, 0 - 0) = 0)... use sum
        LossResult r = engine.compute(CosineEmbeddingLoss.builder().margin(-0.5).reduction(Reduction.SUM).build(),
                LossInputs.of("input1", a, "input2", b, "target", t), "input1");
        double cos1 = 1 / Math.sqrt((2 + 1e-12) * (1 + 1e-12));
        assertEquals((1 - 1 / (1 + 1e-12)) + (cos1 + 0.5), r.scalar(), 1e-6);
    }
}
