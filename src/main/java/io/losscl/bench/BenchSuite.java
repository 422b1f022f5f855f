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
            case "small": return smallCases();
            case "linear-ce": return linearCrossEntropyCases();
            default: throw new IllegalArgumentException("unknown suite '" + suite + "' (cpu, gpu, small or linear-ce)");
        }
    }

    static List<BenchCase> gpuCases() {
        List<BenchCase> c = new ArrayList<>();
        c.add(crossEntropy(16384, 32768));
        c.add(linearCrossEntropy(8192, 2048, 128000));
        for (String loss : ELEMENTWISE) c.add(elementwise(loss, M64, "64M"));
        return c;
    }

    /** Training-loop sizes (one loss call per step on a small batch): latency, not bandwidth. */
    static List<BenchCase> smallCases() {
        List<BenchCase> c = new ArrayList<>();
        for (long[] nc : new long[][] {{32, 10}, {64, 100}, {256, 1000}, {8, 32000}}) c.add(crossEntropy(nc[0], nc[1]));
        c.add(new BenchCase("nll_loss 256x100", "nll_loss", Map.of(),
                List.of(f("input", LOG_SOFTMAX, 256, 100), i("target", INT, 0, 100, 256)), List.of("input")));
        String bce = "binary_cross_entropy_with_logits";
        c.add(new BenchCase(bce + " 256x1", bce, Map.of(), List.of(f("input", RANDN, 256, 1), f("target", RAND, 256, 1)), List.of("input")));
        c.add(elementwise(bce, 4096, "4096"));
        c.add(elementwise("mse_loss", 256, "256"));
        c.add(elementwise("mse_loss", 4096, "4096"));
        c.add(klDiv(64, 100));
        c.add(cosine(64, 128));
        c.add(triplet(64, 128));
        c.add(ctc(50, 16, 20, 30));
        return c;
    }

    static List<BenchCase> cases() {
        List<BenchCase> c = new ArrayList<>();
        for (long[] nc : new long[][] {{4096, 1000}, {256, 32000}, {32, 128000}, {8192, 32768}}) c.add(crossEntropy(nc[0], nc[1]));
        for (String loss : ELEMENTWISE) c.add(elementwise(loss, M16, "16M"));
        c.add(klDiv(4096, 1000));
        c.add(cosine(4096, 512));
        c.add(triplet(4096, 512));
        for (long[] tncs : new long[][] {{50, 16, 20, 30}, {1000, 8, 64, 200}}) c.add(ctc(tncs[0], tncs[1], tncs[2], tncs[3]));
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

    private static BenchCase klDiv(long n, long classes) {
        return new BenchCase("kl_div " + n + "x" + classes + " batchmean", "kl_div", Map.of("reduction", "batchmean"),
                List.of(f("input", LOG_SOFTMAX, n, classes), f("target", SOFTMAX, n, classes)), List.of("input"));
    }

    private static BenchCase cosine(long n, long d) {
        return new BenchCase("cosine_embedding_loss " + n + "x" + d, "cosine_embedding_loss", Map.of(),
                List.of(f("input1", RANDN, n, d), f("input2", RANDN, n, d), f("target", SIGN, n)), List.of("input1", "input2"));
    }

    private static BenchCase triplet(long n, long d) {
        return new BenchCase("triplet_margin_loss " + n + "x" + d, "triplet_margin_loss", Map.of(),
                List.of(f("anchor", RANDN, n, d), f("positive", RANDN, n, d), f("negative", RANDN, n, d)),
                List.of("anchor", "positive", "negative"));
    }

    private static BenchCase ctc(long t, long n, long classes, long s) {
        return new BenchCase("ctc_loss T=" + t + " N=" + n + " C=" + classes + " S=" + s, "ctc_loss", Map.of(),
                List.of(f("log_probs", LOG_SOFTMAX, t, n, classes), i("targets", INT, 1, classes, n, s),
                        i("input_lengths", FULL, t, t, n), i("target_lengths", FULL, s, s, n)),
                List.of("log_probs")).withHostFed("targets", "input_lengths", "target_lengths");
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
