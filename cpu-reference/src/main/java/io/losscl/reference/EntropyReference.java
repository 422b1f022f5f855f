package io.losscl.reference;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.ClassRows;
import io.losscl.loss.Entropy;
import java.util.Set;

/**
 * Entropy of each row (last dimension) in double, as {@code Categorical(...).entropy()}.
 *
 * <p>logits: {@code logp = log_softmax(x)}, {@code H = -sum p logp} (a -inf logit adds 0),
 * {@code dH/dx_j = -p_j (logp_j + H)}.
 *
 * <p>probs: {@code q = p / S} with {@code S = sum p}; PyTorch takes {@code L = log(clamp(q, eps, 1 - eps))}
 * and {@code H = -sum q L}. With {@code a_c = dH/dq_c = -(L_c + [eps <= q_c <= 1 - eps])} (the clamp passes
 * no gradient outside its range), {@code dH/dp_j = a_j / S - sum_c a_c q_c / S} (0 for one class). The logits gradient follows
 * PyTorch's graph (clamp of -inf, then log_softmax) so that degenerate rows round as PyTorch's do.
 */
public final class EntropyReference implements ReferenceLoss<Entropy> {
    /** PyTorch's clamp for probabilities: the machine epsilon of the computation's type (double here). */
    static final double EPS = Math.ulp(1.0);

    /** PyTorch's {@code clamp(l, min=finfo.min)}: only -inf moves (in double, the computation's type). */
    static double clampLow(double l) { return Math.max(l, -Double.MAX_VALUE); }

    @Override
    public ReferenceResult compute(Entropy loss, LossInputs inputs, Set<String> grads) {
        Entropy.Parameterization kind = loss.parameterizationOf(inputs);
        String name = kind.inputName();
        HostTensor x = (HostTensor) inputs.get(name);
        ClassRows rows = ClassRows.lastDim(x.shape());
        int n = (int) rows.rows(), c = (int) rows.classes();
        double[] h = new double[n];
        double[] g = new double[x.shape().numelInt()];
        for (int r = 0; r < n; r++) {
            int base = r * c;
            if (kind == Entropy.Parameterization.LOGITS) {
                // PyTorch's graph: l = x - lse(x); p = exp(l); lc = clamp(l, min=-MAX); H = -sum lc p.
                double[] l = CrossEntropyReference.logSoftmax(x, base, c, 1);
                double s = 0;
                for (int k = 0; k < c; k++) s += clampLow(l[k]) * Math.exp(l[k]);
                h[r] = -s;
                // dH/dl_j = p_j (s - lc_j) (through p) - p_j (through the clamp, 0 where l = -inf);
                // then through l = x - lse(x): dH/dx_j = gl_j - p_j sum_c gl_c.
                double[] gl = new double[c];
                double total = 0;
                for (int k = 0; k < c; k++) {
                    double p = Math.exp(l[k]);
                    gl[k] = p * (-clampLow(l[k]) + s) + (l[k] == Double.NEGATIVE_INFINITY ? 0 : -p);
                    total += gl[k];
                }
                for (int k = 0; k < c; k++) g[base + k] = gl[k] + -total * Math.exp(l[k]);
            } else {
                // PyTorch's graph: q = p / S; L = log(clamp(q, eps, 1 - eps)); H = -sum L q.
                double s = 0;
                for (int k = 0; k < c; k++) s += x.getDouble(base + k);
                double e = 0;
                double[] a = new double[c];
                for (int k = 0; k < c; k++) {
                    double q = x.getDouble(base + k) / s;
                    double qc = Math.min(Math.max(q, EPS), 1 - EPS);
                    double l = Math.log(qc);
                    e += l * q;
                    // dH/dq_c: -L_c (through q) and -q_c / qc (through the log; the clamp passes it inside its range)
                    a[k] = -l + (q >= EPS && q <= 1 - EPS ? -q / qc : 0);
                }
                h[r] = -e;
                // q = p / S, PyTorch's division backward: dH/dp_j = a_j / S + sum_c -a_c ((p_c / S) / S). The sum is
                // compensated so that it is exact where PyTorch's pairwise sums are (a uniform row gives exactly 0).
                // One class: H does not depend on p at all, the gradient is exactly 0.
                double gs = 0, comp = 0;
                for (int k = 0; k < c; k++) {
                    double v = -a[k] * ((x.getDouble(base + k) / s) / s), t = gs + v;
                    comp += Math.abs(gs) >= Math.abs(v) ? (gs - t) + v : (v - t) + gs;
                    gs = t;
                }
                gs += comp;
                for (int k = 0; k < c; k++) g[base + k] = c == 1 ? 0 : a[k] / s + gs;
            }
        }
        ReferenceResult res;
        double scale = 1;
        if (loss.reduction() == Reduction.NONE) {
            res = new ReferenceResult(x.shape().dropTrailing(1), h);
        } else {
            double sum = Reductions.sum(h);
            if (loss.reduction() == Reduction.MEAN) scale = 1.0 / n;
            res = ReferenceResult.scalar(loss.reduction() == Reduction.MEAN ? sum / n : sum);
        }
        if (grads.contains(name)) {
            for (int i = 0; i < g.length; i++) g[i] *= scale;
            res.withGrad(name, x.shape(), g);
        }
        return res;
    }
}
