package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.MseLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
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
}
