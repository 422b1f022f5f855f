import io.losscl.BackendKind;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.Shape;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.MseLoss;
import io.losscl.opencl.DeviceBuffer;
import io.losscl.opencl.OpenClBackend;
import io.losscl.opencl.OpenClContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A small call's own cost on the OPENCL engine, next to the device's floor (an empty kernel and a 4-byte read):
 * mse_loss of 1 element, cross_entropy 1x2 and 64x100 forward, host round trip ({@code computeInto}), medians of
 * 5000 after 6000 warm-up calls, three rounds. {@code java -XX:+UseTransparentHugePages -cp target/losscl.jar bench/CallOverhead.java}
 * (with {@code POCL_DEVICES=basic} POCL runs each command on the calling thread: the floor is then ~1 µs).
 */
public class CallOverhead {
    interface Body { void run(); }

    static double median(Body b) {
        for (int i = 0; i < 6000; i++) b.run();
        double[] t = new double[5000];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            b.run();
            t[i] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    static LossInputs crossEntropy(int n, int c) {
        float[] x = new float[n * c];
        long[] y = new long[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        for (int i = 0; i < n; i++) y[i] = i % c;
        return LossInputs.of("input", HostTensor.of(x, n, c), "target", HostTensor.of(y, n));
    }

    public static void main(String[] args) {
        try (LossEngine engine = LossEngine.create(BackendKind.OPENCL)) {
            OpenClContext cl = ((OpenClBackend) engine.backend()).context();
            HostTensor four = HostTensor.zeros(DType.FLOAT32, Shape.of(1));
            var empty = cl.kernel(List.of("bench_copy"), cl.options(DType.FLOAT32), "bench_empty");
            Body floor = () -> {
                synchronized (cl) {
                    try (DeviceBuffer r = cl.borrow(4)) {
                        cl.call(empty, "bench_empty").mem(r).launch(1);
                        cl.readInto(r, four);
                    }
                }
            };
            CrossEntropyLoss ce = CrossEntropyLoss.builder().build();
            LossInputs ce12 = crossEntropy(1, 2), ce64 = crossEntropy(64, 100);
            LossInputs mse1 = LossInputs.of("input", HostTensor.of(new float[] {1}, 1), "target", HostTensor.of(new float[] {2}, 1));
            System.out.println("on " + engine.backendName() + ", µs per call");
            for (int round = 0; round < 3; round++) {
                System.out.printf("floor %.1f  mse_loss 1 %.1f  cross_entropy 1x2 %.1f  cross_entropy 64x100 %.1f%n", median(floor),
                        median(() -> engine.computeInto(MseLoss.mean(), mse1, Map.of()).scalar()),
                        median(() -> engine.computeInto(ce, ce12, Map.of()).scalar()),
                        median(() -> engine.computeInto(ce, ce64, Map.of()).scalar()));
            }
        }
    }
}
