import io.losscl.*;
import io.losscl.loss.*;
import java.util.*;
/**
 * Bytes the calling thread allocates per small call on the OPENCL engine (computeInto, arrays reused): mse_loss of 1
 * element forward and cross_entropy 64x100 forward+backward, after 20000 warm-up calls each, three rounds.
 * {@code java -cp target/losscl.jar bench/CallAllocation.java}
 */
public class CallAllocation {
    public static void main(String[] a) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        float[] x = new float[64 * 100]; long[] y = new long[64];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        for (int i = 0; i < 64; i++) y[i] = i % 100;
        LossInputs ce = LossInputs.of("input", HostTensor.of(x, 64, 100), "target", HostTensor.of(y, 64));
        LossInputs mse = LossInputs.of("input", HostTensor.of(new float[] {1}, 1), "target", HostTensor.of(new float[] {2}, 1));
        HostTensor out = HostTensor.zeros(DType.FLOAT32, Shape.scalar());
        HostTensor g = HostTensor.zeros(DType.FLOAT32, Shape.of(64, 100));
        CrossEntropyLoss l = CrossEntropyLoss.builder().build();
        MseLoss m = MseLoss.mean();
        try (LossEngine e = LossEngine.create(BackendKind.OPENCL)) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 20000; i++) { e.computeInto(m, mse, out, Map.of()); e.computeInto(l, ce, out, Map.of("input", g)); }
                long t = Thread.currentThread().getId();
                long b0 = mx.getThreadAllocatedBytes(t);
                for (int i = 0; i < 10000; i++) e.computeInto(m, mse, out, Map.of());
                long b1 = mx.getThreadAllocatedBytes(t);
                for (int i = 0; i < 10000; i++) e.computeInto(l, ce, out, Map.of("input", g));
                long b2 = mx.getThreadAllocatedBytes(t);
                System.out.printf("bytes per call: mse_loss 1 fwd %d, cross_entropy 64x100 fwd+bwd %d%n", (b1 - b0) / 10000, (b2 - b1) / 10000);
            }
        }
    }
}
