import io.losscl.BackendKind;
import io.losscl.EngineOptions;
import io.losscl.HostTensor;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.loss.CrossEntropyLoss;

/**
 * The first call of a loss in a fresh process (what the program cache and the eager warm-up save): engine
 * creation, then the first and second cross_entropy 32x10 forward+backward. Run twice: the second process finds
 * the program cache warm. With the argument {@code warm-up} the engine compiles and runs the loss once at creation
 * ({@code EngineOptions.warmUp}, on other values of the same shapes).
 * {@code java -cp target/losscl.jar bench/FirstCall.java [warm-up]}
 */
public class FirstCall {
    public static void main(String[] args) {
        boolean warmUp = args.length > 0 && args[0].equals("warm-up");
        LossInputs in = inputs(1), sample = inputs(2);
        EngineOptions.Builder options = EngineOptions.builder().backend(BackendKind.OPENCL);
        if (warmUp) options.warmUp(CrossEntropyLoss.builder().build(), sample, "input");
        long t0 = System.nanoTime();
        try (LossEngine engine = LossEngine.create(options.build())) {
            long t1 = System.nanoTime();
            java.lang.management.ClassLoadingMXBean classes = java.lang.management.ManagementFactory.getClassLoadingMXBean();
            long loadedBefore = classes.getTotalLoadedClassCount();
            long t2 = System.nanoTime();
            engine.compute(CrossEntropyLoss.builder().build(), in, "input").scalar();
            long t3 = System.nanoTime();
            long loadedByFirstCall = classes.getTotalLoadedClassCount() - loadedBefore;
            engine.compute(CrossEntropyLoss.builder().build(), in, "input").scalar();
            long t4 = System.nanoTime();
            System.out.printf("%sengine creation %.1f ms, first call %.1f ms (%d classes loaded), second call %.2f ms%n",
                    warmUp ? "warm-up at creation: " : "", (t1 - t0) / 1e6, (t3 - t2) / 1e6, loadedByFirstCall, (t4 - t3) / 1e6);
            // A second engine in this process: Java classes loaded and compiled, only the programs are new to it.
            try (LossEngine again = LossEngine.create(BackendKind.OPENCL)) {
                long t5 = System.nanoTime();
                again.compute(CrossEntropyLoss.builder().build(), in, "input").scalar();
                System.out.printf("first call on a second engine in this process %.1f ms%n", (System.nanoTime() - t5) / 1e6);
            }
        }
    }

    /** cross_entropy 32x10 inputs; {@code seed} varies the values. */
    private static LossInputs inputs(int seed) {
        float[] x = new float[32 * 10];
        long[] y = new long[32];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(seed * i);
        for (int i = 0; i < y.length; i++) y[i] = (i * seed) % 10;
        return LossInputs.of("input", HostTensor.of(x, 32, 10), "target", HostTensor.of(y, 32));
    }
}
