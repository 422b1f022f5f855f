package io.losscl;

import io.losscl.cli.Tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The elementwise skeleton's 16-wide vector path (chunked layout) and its scalar tail, against the Java
 * reference: every dtype (float32, float64, float16, bfloat16), lengths around the 16-element blocks and
 * the work-group, all reductions, gradients of both inputs, host and device-resident inputs.
 */
class ElementwiseVectorPathTest {
    private static LossEngine cl;
    private static LossEngine ref;

    @BeforeAll
    static void open() {
        OpenClSupport.assume();
        cl = LossEngine.create(BackendKind.OPENCL);
        ref = LossEngine.create(BackendKind.JAVA);
    }

    @AfterAll
    static void close() {
        if (cl != null) cl.close();
        if (ref != null) ref.close();
    }

    private static final long[] SIZES = {1, 15, 16, 17, 63, 1000, 4099, 65536 + 7, 100_003, (1 << 20) + 5};

    @Test
    void allDtypesSizesReductions() {
        for (String name : new String[] {"l1_loss", "mse_loss"}) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16}) {
                for (long n : SIZES) {
                    for (String red : new String[] {"none", "mean", "sum"}) {
                        if (n > 100_003 && (red.equals("none") || dtype == DType.FLOAT64 || dtype == DType.BFLOAT16)) continue;
                        compare(name, dtype, n, red, n % 3 == 0);
                    }
                }
            }
        }
    }

    @Test
    void deviceResidentHalfComesBackInInputDtype() {
        for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            HostTensor x = random(dtype, 4099, 1), y = random(dtype, 4099, 2);
            Loss loss = LossRegistry.byName("mse_loss").parse(Options.of("mse_loss", Map.of()));
            OpenClBackend b = (OpenClBackend) cl.backend();
            try (DeviceTensor dx = b.upload(x); DeviceTensor dy = b.upload(y)) {
                LossResult got = cl.compute(loss, LossInputs.of("input", dx, "target", dy), "input");
                LossResult want = ref.compute(loss, LossInputs.of("input", x, "target", y), "input");
                assertEquals(dtype, got.output().dtype());
                assertEquals(dtype, got.grad("input").dtype());
                check("device " + dtype, dtype, want.output().toHost(), got.output().toHost());
                check("device grad " + dtype, dtype, want.grad("input").toHost(), got.grad("input").toHost());
                ((DeviceTensor) got.output()).close();
                ((DeviceTensor) got.grad("input")).close();
            }
        }
    }

    private static void compare(String name, DType dtype, long n, String red, boolean bothGrads) {
        HostTensor x = random(dtype, n, 11 + n), y = random(dtype, n, 29 + n);
        Loss loss = LossRegistry.byName(name).parse(Options.of(name, Map.of("reduction", red)));
        LossInputs in = LossInputs.of("input", x, "target", y);
        String[] grads = bothGrads ? new String[] {"input", "target"} : new String[] {"input"};
        LossResult got = cl.compute(loss, in, grads);
        LossResult want = ref.compute(loss, in, grads);
        String what = name + " " + dtype + " n=" + n + " " + red;
        assertEquals(dtype, got.output().dtype(), what);
        check(what + " output", dtype, want.output().toHost(), got.output().toHost());
        for (String g : grads) check(what + " grad " + g, dtype, want.grad(g).toHost(), got.grad(g).toHost());
    }

    /** Values in [-4, 4] rounded to the dtype, with exact ties (x == y) now and then so sign/|.| hit zero. */
    private static HostTensor random(DType dtype, long n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) v[i] = i % 97 == 5 ? 0.5 : i % 89 == 7 && seed % 2 == 0 ? Double.NaN : r.nextDouble(-4, 4);
        return HostTensor.fromDoubles(dtype, Shape.of(n), v);
    }

    private static void check(String what, DType dtype, HostTensor want, HostTensor got) {
        assertEquals(want.shape(), got.shape(), what);
        assertEquals(dtype, got.dtype(), what);
        int bad = 0;
        String first = null;
        for (int i = 0; i < want.numel(); i++) {
            double w = want.getDouble(i), g = got.getDouble(i);
            String why = dtype == DType.FLOAT16 || dtype == DType.BFLOAT16 ? Tolerance.checkHalf(g, w, dtype) : Tolerance.check(g, w, dtype);
            if (why != null && bad++ == 0) first = "[" + i + "] got " + g + " want " + w + ": " + why;
        }
        assertTrue(bad == 0, what + ": " + bad + " of " + want.numel() + " wrong, first " + first);
    }
}
