package io.losscl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.MseLoss;
import io.losscl.opencl.DeviceTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The library's public API as an application uses it (issue 10), and issue 11's rows 2, 9 and 11. */
class LibraryApiTest {
    private static final int N = 6, C = 5;

    private static float[] logits() {
        float[] x = new float[N * C];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(0.7 * i) * 3;
        return x;
    }

    private static final int[] LABELS = {0, 4, 2, 2, 1, 3};

    private static LossEngine opencl() {
        OpenClSupport.assume();
        return LossEngine.create(BackendKind.OPENCL);
    }

    // ---- issue 11 row 2: a device tensor or result of a closed engine ----

    @Test
    void deviceTensorOfAClosedEngineIsAnErrorNotACrash() {
        LossEngine engine = opencl();
        DeviceTensor x = engine.upload(HostTensor.of(logits(), N, C));
        DeviceTensor y = engine.upload(HostTensor.of(LABELS, N));
        LossResult r = engine.compute(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", y), "input");
        engine.close();
        EngineClosedException e = assertThrows(EngineClosedException.class, x::toHost);
        assertTrue(e.getMessage().contains("the engine that made this tensor is closed"), e.getMessage());
        e = assertThrows(EngineClosedException.class, r::scalar);
        assertTrue(e.getMessage().contains("the engine that made this tensor is closed"), e.getMessage());
        assertThrows(EngineClosedException.class, () -> r.grad("input").copyTo(HostTensor.zeros(DType.FLOAT32, Shape.of(N, C))));
        r.close(); // closing after the engine: no crash, no error
        x.close();
        y.close();
    }

    // ---- issue 11 row 9: a call on a closed engine ----

    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"JAVA", "OPENCL"})
    void computeOnAClosedEngineSaysSo(BackendKind kind) {
        LossEngine engine = kind == BackendKind.OPENCL ? opencl() : LossEngine.create(kind);
        engine.close();
        engine.close(); // idempotent
        LossInputs in = LossInputs.of("input", HostTensor.of(logits(), N, C), "target", HostTensor.of(LABELS, N));
        EngineClosedException e = assertThrows(EngineClosedException.class, () -> engine.compute(CrossEntropyLoss.of(), in, "input"));
        assertTrue(e.getMessage().startsWith("engine is closed"), e.getMessage());
        assertInstanceOf(LossclException.class, e);
        assertThrows(EngineClosedException.class, () -> engine.computeInto(CrossEntropyLoss.of(), in,
                java.util.Map.of("input", HostTensor.zeros(DType.FLOAT32, Shape.of(N, C)))));
        if (kind == BackendKind.OPENCL) assertThrows(EngineClosedException.class, () -> engine.upload(HostTensor.of(logits(), N, C)));
    }

    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"JAVA", "OPENCL"})
    void closingFromAnotherThreadGivesEngineClosedNeverAnotherError(BackendKind kind) throws Exception {
        for (int round = 0; round < 5; round++) {
            LossEngine engine = kind == BackendKind.OPENCL ? opencl() : LossEngine.create(kind);
            LossInputs in = LossInputs.of("input", HostTensor.of(logits(), N, C), "target", HostTensor.of(LABELS, N));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread th = new Thread(() -> {
                    try {
                        while (true) engine.compute(CrossEntropyLoss.of(), in, "input").close();
                    } catch (EngineClosedException expected) {
                        // the only acceptable way out
                    } catch (Throwable other) {
                        failure.set(other);
                    }
                });
                th.start();
                threads.add(th);
            }
            Thread.sleep(20);
            engine.close();
            for (Thread th : threads) th.join(10_000);
            if (failure.get() != null) throw new AssertionError("a call racing close() failed otherwise", failure.get());
        }
    }

    // ---- issue 11 row 11: bad arguments are InvalidArgumentExceptions naming the problem ----

    @Test
    void nullLossIsAnInvalidArgument() {
        try (LossEngine engine = LossEngine.create(BackendKind.JAVA)) {
            LossInputs in = LossInputs.of("input", HostTensor.of(logits(), N, C), "target", HostTensor.of(LABELS, N));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> engine.compute(null, in));
            assertTrue(e.getMessage().contains("loss is null"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class, () -> engine.compute(CrossEntropyLoss.of(), null));
            assertTrue(e.getMessage().contains("inputs is null"), e.getMessage());
        }
    }

    @Test
    void lossInputsOfRejectsWhatIsNotANameTensorPair() {
        HostTensor x = HostTensor.of(logits(), N, C);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> LossInputs.of(3, x));
        assertTrue(e.getMessage().contains("argument 0 must be an input name (a String), got Integer 3"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> LossInputs.of("input", "x"));
        assertTrue(e.getMessage().contains("input 'input' (argument 1) must be a Tensor, got String"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> LossInputs.of("input", null));
        assertTrue(e.getMessage().contains("got null"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> LossInputs.of("input", x, "input", x));
        assertTrue(e.getMessage().contains("'input' given twice"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> LossInputs.of("input"));
    }

    @Test
    void deviceTensorOfAnotherEngineIsAnInvalidArgument() {
        try (LossEngine a = opencl(); LossEngine b = LossEngine.create(BackendKind.OPENCL);
             DeviceTensor x = a.upload(HostTensor.of(logits(), N, C))) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> b.compute(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", HostTensor.of(LABELS, N)), "input"));
            assertTrue(e.getMessage().contains("cross_entropy: input 'input' is DeviceTensor"), e.getMessage());
            assertTrue(e.getMessage().contains("a device tensor of another engine"), e.getMessage());
            // both engines stay usable
            b.compute(CrossEntropyLoss.of(), LossInputs.of("input", HostTensor.of(logits(), N, C), "target", HostTensor.of(LABELS, N))).close();
            assertEquals(N * C, x.toHost().numel());
        }
    }

    @Test
    void badTensorsAreInvalidArguments() {
        assertThrows(InvalidArgumentException.class, () -> HostTensor.of(new float[5], 2, 3));
        assertThrows(InvalidArgumentException.class, () -> HostTensor.of((float[]) null, 2));
        assertThrows(InvalidArgumentException.class, () -> HostTensor.of(new float[2], -1, -2));
        assertThrows(InvalidArgumentException.class, () -> HostTensor.of(FloatBuffer.allocate(4), 4)); // heap buffer
        assertThrows(InvalidArgumentException.class, () -> HostTensor.of(ByteBuffer.allocateDirect(16).order(ByteOrder.BIG_ENDIAN == ByteOrder.nativeOrder()
                ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN), DType.FLOAT32, 4));
        assertThrows(InvalidArgumentException.class, () -> HostTensor.of(new float[4], 4).item());
        try (LossEngine engine = LossEngine.create(BackendKind.JAVA)) {
            LossResult r = engine.compute(MseLoss.mean(), LossInputs.of("input", HostTensor.of(new float[] {1}, 1), "target", HostTensor.of(new float[] {0}, 1)));
            assertThrows(InvalidArgumentException.class, () -> r.grad("input"));
        }
    }

    @Test
    void aClosedDeviceTensorAsInputIsAnInvalidArgument() {
        try (LossEngine engine = opencl()) {
            DeviceTensor x = engine.upload(HostTensor.of(logits(), N, C));
            x.close();
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> engine.compute(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", HostTensor.of(LABELS, N)), "input"));
            assertTrue(e.getMessage().contains("input 'input' is DeviceTensor") && e.getMessage().contains("which is closed"), e.getMessage());
        }
    }

    @Test
    void missingOptionsAreInvalidArguments() {
        assertThrows(InvalidArgumentException.class, () -> MseLoss.of(null));
        assertThrows(InvalidArgumentException.class, () -> CrossEntropyLoss.builder().reduction(null).build());
        assertThrows(InvalidArgumentException.class, () -> io.losscl.loss.CtcLoss.builder().reduction(null).build());
        assertThrows(InvalidArgumentException.class, () -> io.losscl.loss.BinaryCrossEntropyLoss.builder().reduction(null).build());
        assertThrows(InvalidArgumentException.class, () -> LossEngine.create(null, null));
    }

    // ---- the API of issue 10 ----

    @Test
    void intLabelsAreInt64Tensors() {
        HostTensor t = HostTensor.of(LABELS, N);
        assertEquals(DType.INT64, t.dtype());
        assertArrayEquals(new long[] {0, 4, 2, 2, 1, 3}, t.longData());
    }

    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"JAVA", "OPENCL"})
    void directBuffersGiveBitwiseTheArrayResults(BackendKind kind) {
        try (LossEngine engine = kind == BackendKind.OPENCL ? opencl() : LossEngine.create(kind)) {
            float[] x = logits();
            FloatBuffer fx = ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            fx.put(x).flip();
            ByteBuffer by = ByteBuffer.allocateDirect(N * 8).order(ByteOrder.nativeOrder());
            for (int l : LABELS) by.putLong(l);
            by.flip();
            CrossEntropyLoss ce = CrossEntropyLoss.builder().labelSmoothing(0.1).reduction(Reduction.NONE).build();
            LossResult arrays = engine.compute(ce, LossInputs.of("input", HostTensor.of(x, N, C), "target", HostTensor.of(LABELS, N)), "input");
            LossResult direct = engine.compute(ce, LossInputs.of("input", HostTensor.of(fx, N, C), "target", HostTensor.of(by, DType.INT64, N)), "input");
            assertArrayEquals(arrays.output().toHost().floatData(), direct.output().toHost().floatData());
            assertArrayEquals(arrays.grad("input").toHost().floatData(), direct.grad("input").toHost().floatData());
            // a direct buffer as a computeInto destination
            FloatBuffer g = ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            HostTensor into = HostTensor.of(g, N, C);
            engine.computeInto(ce, LossInputs.of("input", HostTensor.of(fx, N, C), "target", HostTensor.of(LABELS, N)), java.util.Map.of("input", into));
            float[] got = new float[x.length];
            g.get(got);
            assertArrayEquals(arrays.grad("input").toHost().floatData(), got);
            // a bad class index in a direct buffer is caught before any kernel, as in an array
            by.putLong(8, 7);
            assertThrows(InvalidArgumentException.class,
                    () -> engine.compute(ce, LossInputs.of("input", HostTensor.of(fx, N, C), "target", HostTensor.of(by, DType.INT64, N))));
        }
    }

    private static FloatBuffer direct(float[] a) {
        FloatBuffer b = ByteBuffer.allocateDirect(a.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(a).flip();
        return b;
    }

    /** Direct buffers are read in place on CPU devices: every family gives the array results, and never writes its inputs. */
    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"JAVA", "OPENCL"})
    void directBufferInputsAreReadOnlyAndBitwiseTheArrays(BackendKind kind) {
        float[] x = logits(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) (0.5 + 0.5 * Math.cos(i));
        float[] x0 = x.clone(), y0 = y.clone();
        Loss[] losses = {MseLoss.of(Reduction.NONE), io.losscl.loss.BinaryCrossEntropyWithLogitsLoss.mean(),
                io.losscl.loss.KlDivLoss.of(Reduction.BATCHMEAN, false), io.losscl.loss.Entropy.ofLogits()};
        try (LossEngine engine = kind == BackendKind.OPENCL ? opencl() : LossEngine.create(kind)) {
            for (Loss loss : losses) {
                boolean unary = loss.inputNames().size() == 1;
                String first = loss.inputNames().get(0);
                FloatBuffer dx = direct(x), dy = direct(y);
                LossInputs arrays = unary ? LossInputs.of(first, HostTensor.of(x, N, C))
                        : LossInputs.of(first, HostTensor.of(x, N, C), "target", HostTensor.of(y, N, C));
                LossInputs buffers = unary ? LossInputs.of(first, HostTensor.of(dx, N, C))
                        : LossInputs.of(first, HostTensor.of(dx, N, C), "target", HostTensor.of(dy, N, C));
                LossResult want = engine.compute(loss, arrays, first), got = engine.compute(loss, buffers, first);
                assertArrayEquals(want.output().toHost().floatData(), got.output().toHost().floatData(), loss.name());
                assertArrayEquals(want.grad(first).toHost().floatData(), got.grad(first).toHost().floatData(), loss.name());
                float[] after = new float[x.length];
                dx.get(after);
                assertArrayEquals(x0, after, loss.name() + " wrote into its input");
                dy.get(after);
                assertArrayEquals(y0, after, loss.name() + " wrote into its target");
            }
        }
    }

    @Test
    void closingADeviceResultReleasesItsTensorsButNotTheCallers() {
        try (LossEngine engine = opencl();
             DeviceTensor x = engine.upload(HostTensor.of(logits(), N, C));
             DeviceTensor y = engine.upload(HostTensor.of(LABELS, N))) {
            LossResult r = engine.compute(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", y), "input");
            double loss = r.scalar();
            r.close();
            assertThrows(IllegalStateException.class, () -> r.grad("input").toHost()); // released with the result
            r.close(); // idempotent
            try (LossResult inPlace = engine.computeGradientInPlace(CrossEntropyLoss.of(), LossInputs.of("input", x, "target", y), "input")) {
                assertEquals(loss, inPlace.scalar());
            }
            assertEquals(N * C, x.toHost().numel()); // the in-place gradient is the caller's tensor: still open
        }
    }
}
