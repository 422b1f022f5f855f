package io.losscl;

import io.losscl.cli.Tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

/** Compares an OpenCL result with the Java reference's, element by element, under {@link Tolerance}. */
final class KernelCheck {
    private KernelCheck() {}

    static void same(String what, LossResult want, LossResult got) {
        tensor(what + " output", want.output().toHost(), got.output().toHost());
        assertEquals(want.grads().keySet(), got.grads().keySet(), what + " gradients");
        for (Map.Entry<String, Tensor> e : want.grads().entrySet()) {
            tensor(what + " grad " + e.getKey(), e.getValue().toHost(), got.grad(e.getKey()).toHost());
        }
    }

    static void tensor(String what, HostTensor want, HostTensor got) {
        assertEquals(want.shape(), got.shape(), what + " shape");
        assertEquals(want.dtype(), got.dtype(), what + " dtype");
        int n = want.shape().numelInt();
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String why = Tolerance.check(got.getDouble(i), want.getDouble(i));
            if (why != null && bad++ < 5) {
                sb.append("\n  [").append(i).append("] got ").append(got.getDouble(i)).append(" want ").append(want.getDouble(i)).append(": ").append(why);
            }
        }
        if (bad > 0) fail(what + ": " + bad + " of " + n + " elements wrong" + sb);
    }

    /** Like {@link #same}, for 16-bit storage: a few units in the last place of the storage type. */
    static void close16(String what, LossResult want, LossResult got, double rel) {
        closeTensor(what + " output", want.output().toHost(), got.output().toHost(), rel);
        for (Map.Entry<String, Tensor> e : want.grads().entrySet()) {
            closeTensor(what + " grad " + e.getKey(), e.getValue().toHost(), got.grad(e.getKey()).toHost(), rel);
        }
    }

    private static void closeTensor(String what, HostTensor want, HostTensor got, double rel) {
        assertEquals(want.shape(), got.shape(), what + " shape");
        assertEquals(want.dtype(), got.dtype(), what + " dtype");
        for (int i = 0; i < want.shape().numelInt(); i++) {
            double a = got.getDouble(i), b = want.getDouble(i);
            if (Double.isNaN(a) || Double.isNaN(b) ? !(Double.isNaN(a) && Double.isNaN(b)) : Math.abs(a - b) > 1e-5 + rel * Math.abs(b)) {
                fail(what + " [" + i + "] got " + a + " want " + b);
            }
        }
    }

    static HostTensor uniform(java.util.Random rnd, DType dtype, double lo, double hi, long... shape) {
        Shape s = Shape.of(shape);
        double[] v = new double[s.numelInt()];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rnd.nextDouble();
        return HostTensor.fromDoubles(dtype, s, v);
    }
}
