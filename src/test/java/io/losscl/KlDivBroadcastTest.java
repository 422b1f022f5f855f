package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.losscl.cli.Tolerance;
import io.losscl.loss.KlDivLoss;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kl_div with broadcasting input and target on the device (host and device-resident tensors, float32 and
 * mixed float32/float64), every reduction (batchmean divides by the INPUT's first dimension) and both target
 * conventions, forward and both gradients against the Java reference.
 */
class KlDivBroadcastTest {
    private static LossEngine java;
    private static LossEngine opencl;

    @BeforeAll
    static void open() {
        java = LossEngine.create(BackendKind.JAVA);
        if (OpenClSupport.available()) opencl = LossEngine.create(BackendKind.OPENCL);
    }

    @AfterAll
    static void close() {
        java.close();
        if (opencl != null) opencl.close();
    }

    /** {input shape, target shape} pairs that broadcast; sizes past a work-group and odd. */
    private static final long[][][] PAIRS = {
        {{4, 1, 5}, {3, 5}}, {{1, 1000}, {513, 1000}}, {{513, 1000}, {1000}}, {{7}, {93, 7}}, {{93, 1}, {93, 7}}, {{2, 3, 1}, {1, 3, 257}},
    };

    @TestFactory
    Stream<DynamicTest> againstReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long[][] pair : PAIRS) {
            for (Reduction red : Reduction.values()) {
                for (boolean logTarget : new boolean[] {false, true}) {
                    for (boolean device : new boolean[] {false, true}) {
                        for (boolean mixed : new boolean[] {false, true}) {
                            if (device && mixed) continue;
                            String name = Arrays.toString(pair[0]) + " vs " + Arrays.toString(pair[1]) + " " + red + (logTarget ? " log_target" : "")
                                    + (device ? " device" : " host") + (mixed ? " f32/f64" : "");
                            tests.add(DynamicTest.dynamicTest(name, () -> check(KlDivLoss.of(red, logTarget), pair[0], pair[1], device, mixed)));
                        }
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void check(KlDivLoss loss, long[] inShape, long[] tShape, boolean device, boolean mixed) {
        OpenClSupport.assume();
        Random rnd = new Random(Arrays.hashCode(inShape) * 31 + Arrays.hashCode(tShape));
        double[] x = new double[(int) Shape.of(inShape).numel()], t = new double[(int) Shape.of(tShape).numel()];
        for (int i = 0; i < x.length; i++) x[i] = -rnd.nextDouble() * 5;
        for (int i = 0; i < t.length; i++) t[i] = loss.logTarget() ? -rnd.nextDouble() * 5 : (i % 9 == 0 ? 0 : rnd.nextDouble());
        HostTensor hx = HostTensor.fromDoubles(DType.FLOAT32, Shape.of(inShape), x);
        HostTensor ht = HostTensor.fromDoubles(mixed ? DType.FLOAT64 : DType.FLOAT32, Shape.of(tShape), t);
        LossResult want = java.compute(loss, LossInputs.of("input", hx, "target", ht), "input", "target");
        LossResult got;
        if (device) {
            OpenClBackend b = (OpenClBackend) opencl.backend();
            try (DeviceTensor dx = b.upload(hx); DeviceTensor dt = b.upload(ht)) {
                LossResult r = opencl.compute(loss, LossInputs.of("input", dx, "target", dt), "input", "target");
                got = new LossResult(r.output().toHost(), Map.of("input", r.grad("input").toHost(), "target", r.grad("target").toHost()), r.backend());
                ((DeviceTensor) r.output()).close();
                ((DeviceTensor) r.grad("input")).close();
                ((DeviceTensor) r.grad("target")).close();
            }
        } else {
            got = opencl.compute(loss, LossInputs.of("input", hx, "target", ht), "input", "target");
        }
        compare("loss", got.output().toHost(), want.output().toHost());
        compare("grad input", got.grad("input").toHost(), want.grad("input").toHost());
        compare("grad target", got.grad("target").toHost(), want.grad("target").toHost());
    }

    private static void compare(String what, HostTensor got, HostTensor want) {
        assertEquals(want.shape(), got.shape(), what + " shape");
        double[] g = got.toDoubleArray(), w = want.toDoubleArray();
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.length; i++) {
            String why = Tolerance.check(g[i], w[i], want.dtype());
            if (why != null && bad++ < 5) sb.append("\n  [").append(i).append("] got ").append(g[i]).append(" want ").append(w[i]).append(": ").append(why);
        }
        if (bad > 0) fail(what + ": " + bad + " of " + g.length + " elements wrong" + sb);
    }
}
