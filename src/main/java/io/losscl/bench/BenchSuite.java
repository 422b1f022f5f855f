package io.losscl.bench;

import static io.losscl.bench.BenchCase.Gen.*;

import io.losscl.DType;
import io.losscl.bench.BenchCase.Gen;
import io.losscl.bench.BenchCase.Input;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fixed suites of {@code losscl bench}. Cases name losses; unregistered losses are skipped at run time.
 * {@link #cases()} is the default suite (sized for a CPU device); {@link #gpuCases()} the sizes at which the GPU
 * targets are stated (elementwise losses on 64M elements, cross_entropy 16384x32768).
 */
final class BenchSuite {
    private BenchSuite() {}

    static final long M16 = 16L << 20;
    static final long M64 = 64L << 20;

    /** The suite named by {@code --suite}: "cpu" (the default) or "gpu". */
    static List<BenchCase> named(String suite) {
        switch (suite) {
            case "cpu": return cases();
            case "gpu": return gpuCases();
            case "linear-ce": return linearCrossEntropyCases();
            default: throw new IllegalArgumentException("unknown suite '" + suite + "' (cpu, gpu or linear-ce)");
        }
    }

    static List<BenchCase> gpuCases() {
        List<BenchCase> c = new ArrayList<>();
        c.add(crossEntropy(16384, 32768));
        c.add(linearCrossEntropy(8192, 2048, 128000));
        for (String loss : ELEMENTWISE) c.add(elementwise(loss, M64, "64M"));
        return c;
    }

    static List<BenchCase> cases() {
        List<BenchCase> c = new ArrayList<>();
        for (long[] nc : new long[][] {{4096, 1000}, {256, 32000}, {32, 128000}, {8192, 32768}}) c.add(crossEntropy(nc[0], nc[1]));
        for (String loss : ELEMENTWISE) c.add(elementwise(loss, M16, "16M"));
        c.add(new BenchCase("kl_div 4096x1000 batchmean", "kl_div", Map.of("reduction", "batchmean"),
                List.of(f("input", LOG_SOFTMAX, 4096, 1000), f("target", SOFTMAX, 4096, 1000)), List.of("input")));
        c.add(new BenchCase("cosine_embedding_loss 4096x512", "cosine_embedding_loss", Map.of(),
                List.of(f("input1", RANDN, 4096, 512), f("input2", RANDN, 4096, 512), f("target", SIGN, 4096)),
                List.of("input1", "input2")));
        c.add(new BenchCase("triplet_margin_loss 4096x512", "triplet_margin_loss", Map.of(),
                List.of(f("anchor", RANDN, 4096, 512), f("positive", RANDN, 4096, 512), f("negative", RANDN, 4096, 512)),
                List.of("anchor", "positive", "negative")));
        for (long[] tncs : new long[][] {{50, 16, 20, 30}, {1000, 8, 64, 200}}) {
            long t = tncs[0], n = tncs[1], cl = tncs[2], s = tncs[3];
            c.add(new BenchCase("ctc_loss T=" + t + " N=" + n + " C=" + cl + " S=" + s, "ctc_loss", Map.of(),
                    List.of(f("log_probs", LOG_SOFTMAX, t, n, cl), i("targets", INT, 1, cl, n, s),
                            i("input_lengths", FULL, t, t, n), i("target_lengths", FULL, s, s, n)),
                    List.of("log_probs")));
        }
        return c;
    }

    /** {@code --suite linear-ce}: the fused head + loss, forward and backward, N in {2048, 8192}, H in {512, 1024}, V in {32000, 128000}. */
    static List<BenchCase> linearCrossEntropyCases() {
        List<BenchCase> c = new ArrayList<>();
        for (long n : new long[] {2048, 8192}) {
            for (long v : new long[] {32000, 128000}) {
                for (long h : new long[] {512, 1024}) c.add(linearCrossEntropy(n, h, v));
            }
        }
        return c;
    }

    /** input (N, H) and linear_weight (V, H) standard normal, no bias (an LM head); gradients of both. */
    private static BenchCase linearCrossEntropy(long n, long h, long v) {
        return new BenchCase("linear_cross_entropy N=" + n + " H=" + h + " V=" + v, "linear_cross_entropy", Map.of(),
                List.of(f("input", RANDN, n, h), f("linear_weight", RANDN, v, h), i("target", INT, 0, v, n)), List.of("input", "linear_weight"));
    }

    private static final String[] ELEMENTWISE = {"mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy_with_logits"};

    private static BenchCase crossEntropy(long n, long classes) {
        return new BenchCase("cross_entropy " + n + "x" + classes, "cross_entropy", Map.of(),
                List.of(f("input", RANDN, n, classes), i("target", INT, 0, classes, n)), List.of("input"));
    }

    private static BenchCase elementwise(String loss, long n, String size) {
        Gen target = loss.equals("binary_cross_entropy_with_logits") ? RAND : RANDN;
        return new BenchCase(loss + " " + size, loss, Map.of(), List.of(f("input", RANDN, n), f("target", target, n)), List.of("input"));
    }

    private static Input f(String name, Gen gen, long... shape) { return new Input(name, DType.FLOAT32, shape, gen, 0, 0); }

    private static Input i(String name, Gen gen, long lo, long hi, long... shape) { return new Input(name, DType.INT64, shape, gen, lo, hi); }
}
