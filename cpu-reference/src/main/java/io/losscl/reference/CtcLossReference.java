package io.losscl.reference;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.CtcLoss;
import java.util.Set;

/**
 * ctc_loss by the textbook forward-backward recursion (Graves et al. 2006, section 4.1), in log space
 * and double precision, one sequence at a time. Extended target {@code l'} of length {@code L = 2S+1}:
 * {@code l'_s = blank} for even {@code s}, {@code l'_s = target[(s-1)/2]} for odd {@code s}.
 *
 * <pre>
 *   alpha_0(0) = lp_0(blank),   alpha_0(1) = lp_0(l'_1),   alpha_0(s) = -inf otherwise
 *   alpha_t(s) = lse(alpha_{t-1}(s), alpha_{t-1}(s-1), alpha_{t-1}(s-2) if s &gt; 1 and l'_s != l'_{s-2}) + lp_t(l'_s)
 *   beta_{T-1}(L-1) = lp_{T-1}(blank),   beta_{T-1}(L-2) = lp_{T-1}(l'_{L-2}),   -inf otherwise
 *   beta_t(s)  = lse(beta_{t+1}(s), beta_{t+1}(s+1), beta_{t+1}(s+2) if s &lt; L-2 and l'_s != l'_{s+2}) + lp_t(l'_s)
 *   nll        = -lse(alpha_{T-1}(L-1), alpha_{T-1}(L-2))
 *   grad_t(c)  = (exp(lp_t(c)) - exp(lse_{s: l'_s = c}(alpha_t(s) + beta_t(s)) + nll - lp_t(c))) * upstream
 * </pre>
 * (alpha and beta both include {@code lp_t(l'_s)}, hence the {@code - lp_t(c)}; this is PyTorch's
 * gradient, see {@link CtcLoss}). An input of length 0 has probability 1 of the empty target and 0 of
 * any other.
 */
public final class CtcLossReference implements ReferenceLoss<CtcLoss> {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @Override
    public ReferenceResult compute(CtcLoss loss, LossInputs inputs, Set<String> grads) {
        CtcLoss.Batch b = loss.batch(inputs);
        HostTensor lpT = (HostTensor) inputs.get("log_probs");
        int tMax = b.t, n = b.n, c = b.c;
        boolean wantGrad = grads.contains("log_probs");
        double[] grad = wantGrad ? new double[tMax * n * c] : null;
        double[] losses = new double[n];
        for (int i = 0; i < n; i++) {
            final int seq = i;
            LogProbs lp = (t, cls) -> lpT.getDouble((t * n + seq) * c + cls);
            int len = (int) b.inputLengths[i];
            int s = (int) b.targetLengths[i];
            long[] ext = extended(b.targets, (int) b.starts[i], s, loss.blank());
            double[][] alpha = alpha(lp, len, ext);
            double nll = len == 0 ? (s == 0 ? 0.0 : Double.POSITIVE_INFINITY)
                    : -logAdd(alpha[len - 1][2 * s], s > 0 ? alpha[len - 1][2 * s - 1] : NEG_INF);
            boolean zeroed = loss.zeroInfinity() && nll == Double.POSITIVE_INFINITY;
            losses[i] = zeroed ? 0.0 : nll;
            if (!wantGrad || zeroed || len == 0) continue; // gradient stays 0
            double upstream = upstream(loss.reduction(), s, n);
            double[][] beta = beta(lp, len, ext);
            for (int t = 0; t < len; t++) {
                // log of the total occupancy of each class at time t: sum over s with l'_s = c of alpha*beta
                double[] collected = new double[c];
                java.util.Arrays.fill(collected, NEG_INF);
                for (int p = 0; p < ext.length; p++) {
                    int cls = (int) ext[p];
                    collected[cls] = logAdd(collected[cls], alpha[t][p] + beta[t][p]);
                }
                for (int cls = 0; cls < c; cls++) {
                    double lpv = lp.at(t, cls);
                    grad[(t * n + i) * c + cls] = (Math.exp(lpv) - Math.exp(collected[cls] + nll - lpv)) * upstream;
                }
            }
        }
        ReferenceResult r = new ReferenceResult(reducedShape(loss, b), reduce(losses, b.targetLengths, loss.reduction()));
        if (wantGrad) r.withGrad("log_probs", lpT.shape(), grad);
        return r;
    }

    /** log_probs of one sequence: {@code lp_t(c)}. */
    private interface LogProbs { double at(int t, int c); }

    /** The extended target: blank, l_1, blank, l_2, ..., l_S, blank. */
    static long[] extended(long[] targets, int start, int s, long blank) {
        long[] ext = new long[2 * s + 1];
        for (int p = 0; p < ext.length; p++) ext[p] = p % 2 == 0 ? blank : targets[start + p / 2];
        return ext;
    }

    static double[][] alpha(LogProbs lp, int len, long[] ext) {
        int l = ext.length;
        double[][] a = new double[len][l];
        for (int t = 0; t < len; t++) java.util.Arrays.fill(a[t], NEG_INF);
        if (len == 0) return a;
        a[0][0] = lp.at(0, (int) ext[0]);
        if (l > 1) a[0][1] = lp.at(0, (int) ext[1]);
        for (int t = 1; t < len; t++) {
            for (int s = 0; s < l; s++) {
                double stay = a[t - 1][s];
                double step = s > 0 ? a[t - 1][s - 1] : NEG_INF;
                double skip = s > 1 && ext[s] != ext[s - 2] ? a[t - 1][s - 2] : NEG_INF;
                a[t][s] = logAdd3(stay, step, skip) + lp.at(t, (int) ext[s]);
            }
        }
        return a;
    }

    static double[][] beta(LogProbs lp, int len, long[] ext) {
        int l = ext.length;
        double[][] b = new double[len][l];
        for (int t = 0; t < len; t++) java.util.Arrays.fill(b[t], NEG_INF);
        if (len == 0) return b;
        b[len - 1][l - 1] = lp.at(len - 1, (int) ext[l - 1]);
        if (l > 1) b[len - 1][l - 2] = lp.at(len - 1, (int) ext[l - 2]);
        for (int t = len - 2; t >= 0; t--) {
            for (int s = 0; s < l; s++) {
                double stay = b[t + 1][s];
                double step = s < l - 1 ? b[t + 1][s + 1] : NEG_INF;
                double skip = s < l - 2 && ext[s] != ext[s + 2] ? b[t + 1][s + 2] : NEG_INF;
                b[t][s] = logAdd3(stay, step, skip) + lp.at(t, (int) ext[s]);
            }
        }
        return b;
    }

    /** d(reduced loss)/d(loss_n): 1 for none and sum; 1 / max(target_length, 1) / N for mean. */
    static double upstream(Reduction reduction, long targetLength, int n) {
        return reduction == Reduction.MEAN ? 1.0 / Math.max(targetLength, 1) / n : 1.0;
    }

    static double[] reduce(double[] losses, long[] targetLengths, Reduction reduction) {
        switch (reduction) {
            case NONE: return losses;
            case SUM: return new double[] {Reductions.sum(losses)};
            case MEAN: {
                double[] scaled = new double[losses.length];
                for (int i = 0; i < losses.length; i++) scaled[i] = losses[i] / Math.max(targetLengths[i], 1);
                return new double[] {Reductions.sum(scaled) / losses.length}; // NaN for an empty batch, as PyTorch
            }
            default: throw new IllegalArgumentException("reduction " + reduction + " is not valid for ctc_loss");
        }
    }

    static Shape reducedShape(CtcLoss loss, CtcLoss.Batch b) {
        return loss.reduction() == Reduction.NONE && b.batched ? Shape.of(b.n) : Shape.scalar();
    }

    /** log(exp(a) + exp(b)) without overflow; -inf when both are -inf. */
    static double logAdd(double a, double b) { return logAdd3(a, b, NEG_INF); }

    /** log(exp(a) + exp(b) + exp(c)), shifted by the largest term (0 when all are -inf, as PyTorch). */
    static double logAdd3(double a, double b, double c) {
        double m = a;
        if (b > m) m = b;
        if (c > m) m = c;
        if (m == NEG_INF) m = 0;
        return Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m)) + m;
    }
}
