package io.losscl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.MseLoss;
import io.losscl.loss.TripletMarginLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's contract: errors before kernels leave it usable; device-resident tensors; gradient requests. */
class EngineTest {
    static Stream<BackendKind> backends() { return Stream.of(BackendKind.JAVA, BackendKind.OPENCL); }

    private static LossEngine open(BackendKind kind) {
        if (kind == BackendKind.OPENCL) OpenClSupport.assume();
        return LossEngine.create(kind);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badInputIsRejectedAndTheEngineStaysUsable(BackendKind kind) {
        try (LossEngine engine = open(kind)) {
            HostTensor x = HostTensor.of(new float[] {1, 2, 3}, 3);
            HostTensor wrong = HostTensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4); // does not broadcast against [3]
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> engine.compute(MseLoss.mean(), LossInputs.of("input", x, "target", wrong), "input"));
            assertTrue(e.getMessage().startsWith("mse_loss: "), e.getMessage());
            assertThrows(InvalidArgumentException.class,
                    () -> engine.compute(MseLoss.mean(), LossInputs.of("input", x, "target", x), "nonexistent"));
            LossResult r = engine.compute(MseLoss.mean(), LossInputs.of("input", x, "target", HostTensor.of(new float[] {0, 0, 0}, 3)), "input");
            assertEquals(14.0 / 3, r.scalar(), 1e-6);
            assertEquals(2.0 / 3 * 3, r.grad("input").toHost().getDouble(2), 1e-6);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void deviceResidentInputsKeepResultsOnTheDevice(Reduction reduction) {
        OpenClSupport.assume();
        try (LossEngine engine = LossEngine.create(BackendKind.OPENCL)) {
            OpenClBackend cl = (OpenClBackend) engine.backend();
            float[] a = new float[1000], b = new float[1000];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) Math.sin(i);
                b[i] = (float) Math.cos(i);
            }
            HostTensor ha = HostTensor.of(a, 10, 100), hb = HostTensor.of(b, 10, 100);
            try (DeviceTensor da = cl.upload(ha); DeviceTensor db = cl.upload(hb)) {
                LossResult onDevice = engine.compute(MseLoss.of(reduction), LossInputs.of("input", da, "target", db), "input");
                LossResult onHost = engine.compute(MseLoss.of(reduction), LossInputs.of("input", ha, "target", hb), "input");
                assertTrue(onDevice.output() instanceof DeviceTensor);
                assertTrue(onDevice.grad("input") instanceof DeviceTensor);
                assertEquals(java.util.Arrays.toString(onHost.output().toHost().floatData()),
                        java.util.Arrays.toString(onDevice.output().toHost().floatData()));
                assertEquals(java.util.Arrays.toString(onHost.grad("input").toHost().floatData()),
                        java.util.Arrays.toString(onDevice.grad("input").toHost().floatData()));
                ((DeviceTensor) onDevice.output()).close();
                ((DeviceTensor) onDevice.grad("input")).close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sameInputGivesBitwiseTheSameOutput(BackendKind kind) {
        try (LossEngine engine = open(kind)) {
            float[] a = new float[300_001], b = new float[300_001];
            java.util.Random rnd = new java.util.Random(7);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian() * 100;
                b[i] = (float) rnd.nextGaussian();
            }
            LossInputs in = LossInputs.of("input", HostTensor.of(a, a.length), "target", HostTensor.of(b, b.length));
            double first = engine.compute(MseLoss.mean(), in).scalar();
            for (int k = 0; k < 5; k++) assertEquals(Double.doubleToRawLongBits(first), Double.doubleToRawLongBits(engine.compute(MseLoss.mean(), in).scalar()));
        }
    }

    private static HostTensor normal(Random r, long... shape) {
        float[] a = new float[(int) Shape.of(shape).numel()];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return HostTensor.of(a, shape);
    }

    /** computeInto: the results land in the caller's tensors, bit for bit what compute returns, call after call. */
    @ParameterizedTest
    @MethodSource("backends")
    void computeIntoFillsTheCallersArrays(BackendKind kind) {
        try (LossEngine engine = open(kind)) {
            Random r = new Random(11);
            for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.NONE}) {
                MseLoss loss = MseLoss.of(red);
                HostTensor dx = HostTensor.zeros(DType.FLOAT32, Shape.of(5, 7)), dy = HostTensor.zeros(DType.FLOAT32, Shape.of(7));
                HostTensor out = HostTensor.zeros(DType.FLOAT32, red == Reduction.NONE ? Shape.of(5, 7) : Shape.scalar());
                for (int call = 0; call < 2; call++) {
                    // target broadcast over the rows: its gradient is summed back to [7]
                    LossInputs in = LossInputs.of("input", normal(r, 5, 7), "target", normal(r, 7));
                    LossResult want = engine.compute(loss, in, "input", "target");
                    LossResult got = engine.computeInto(loss, in, out, Map.of("input", dx, "target", dy));
                    assertSame(out, got.output());
                    assertSame(dx, got.grad("input"));
                    assertSame(dy, got.grad("target"));
                    assertArrayEquals(want.output().toHost().floatData(), out.floatData());
                    assertArrayEquals(want.grad("input").toHost().floatData(), dx.floatData());
                    assertArrayEquals(want.grad("target").toHost().floatData(), dy.floatData());
                }
                LossResult noOut = engine.computeInto(loss, LossInputs.of("input", normal(r, 5, 7), "target", normal(r, 7)), Map.of("input", dx));
                assertSame(dx, noOut.grad("input"));
                assertEquals(red == Reduction.NONE ? 35 : 1, noOut.output().toHost().numel());
            }
            // a gradient a kernel finishes on the host (triplet's broadcast positive) is copied in
            TripletMarginLoss triplet = TripletMarginLoss.builder().reduction(Reduction.SUM).build();
            LossInputs in = LossInputs.of("anchor", normal(r, 6, 8), "positive", normal(r, 1, 8), "negative", normal(r, 6, 8));
            HostTensor dp = HostTensor.zeros(DType.FLOAT32, Shape.of(1, 8));
            LossResult got = engine.computeInto(triplet, in, Map.of("positive", dp));
            assertSame(dp, got.grad("positive"));
            assertArrayEquals(engine.compute(triplet, in, "positive").grad("positive").toHost().floatData(), dp.floatData());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void computeIntoRejectsAWrongDestinationBeforeAnyKernel(BackendKind kind) {
        try (LossEngine engine = open(kind)) {
            LossInputs in = LossInputs.of("input", normal(new Random(1), 4), "target", normal(new Random(2), 4));
            HostTensor wrongShape = HostTensor.zeros(DType.FLOAT32, Shape.of(2, 2));
            HostTensor wrongType = HostTensor.zeros(DType.FLOAT64, Shape.of(4));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> engine.computeInto(MseLoss.mean(), in, Map.of("input", wrongShape)));
            assertTrue(e.getMessage().startsWith("mse_loss: the gradient of 'input'"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> engine.computeInto(MseLoss.mean(), in, Map.of("input", wrongType)));
            assertThrows(InvalidArgumentException.class,
                    () -> engine.computeInto(MseLoss.mean(), in, HostTensor.zeros(DType.FLOAT32, Shape.of(4)), Map.of()));
            assertEquals(engine.compute(MseLoss.mean(), in).scalar(), engine.computeInto(MseLoss.mean(), in, Map.of()).scalar());
        }
    }

    /** Device-resident inputs with host destinations: the results come to the host, no device tensor is left open. */
    @org.junit.jupiter.api.Test
    void computeIntoFromDeviceInputs() {
        OpenClSupport.assume();
        try (LossEngine engine = LossEngine.create(BackendKind.OPENCL)) {
            OpenClBackend cl = (OpenClBackend) engine.backend();
            Random r = new Random(3);
            HostTensor hx = normal(r, 100), hy = normal(r, 100);
            HostTensor dx = HostTensor.zeros(DType.FLOAT32, Shape.of(100)), out = HostTensor.zeros(DType.FLOAT32, Shape.scalar());
            try (DeviceTensor x = cl.upload(hx); DeviceTensor y = cl.upload(hy)) {
                long live = cl.context().liveBuffers();
                for (int k = 0; k < 3; k++) {
                    LossResult got = engine.computeInto(MseLoss.mean(), LossInputs.of("input", x, "target", y), out, Map.of("input", dx));
                    assertSame(out, got.output());
                    assertSame(dx, got.grad("input"));
                }
                assertTrue(cl.context().liveBuffers() <= live + 3, "buffers borrowed per call went back to the pool");
                LossResult want = engine.compute(MseLoss.mean(), LossInputs.of("input", hx, "target", hy), "input");
                assertArrayEquals(want.grad("input").toHost().floatData(), dx.floatData());
                assertEquals(want.scalar(), out.item());
            }
        }
    }
}
