package io.losscl.reference;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.ClassRows;
import io.losscl.loss.CrossEntropyLoss;
import java.util.Set;

/**
 * cross_entropy in double, as PyTorch 1.13 computes it: {@code logp = log_softmax(input)} per row, then
 * (index targets) {@code l = (1 - eps) w[t] (-logp[t]) + eps / C sum_c w[c] (-logp[c])} with a weighted mean
 * over {@code sum w[t]}, or (probability targets) {@code l = -sum_c w[c] q[c] logp[c]} with a mean over rows.
 *
 * <p>Gradients of one row (p = softmax): index targets
 * {@code dl/dx_j = (1 - eps) w[t] (p_j - [j == t]) + eps / C (W p_j - w[j])} with {@code W = sum_c w[c]};
 * probability targets {@code dl/dx_j = p_j sum_c w[c] q[c] - w[j] q[j]} and
 * {@code dl/dt_j = -(1 - eps) w[j] logp[j]}.
 */
public final class CrossEntropyReference implements ReferenceLoss<CrossEntropyLoss> {
    @Override
    public ReferenceResult compute(CrossEntropyLoss loss, LossInputs inputs, Set<String> grads) {
        HostTensor input = (HostTensor) inputs.get("input"), target = (HostTensor) inputs.get("target");
        ClassRows rows = ClassRows.classDim1(input.shape());
        int n = (int) rows.rows(), c = (int) rows.classes(), stride = (int) rows.inner();
        double[] w = new double[c];
        for (int k = 0; k < c; k++) w[k] = loss.weight() == null ? 1 : loss.weight().getDouble(k);
        double wAll = Reductions.sum(w);
        boolean probs = CrossEntropyLoss.probabilityTargets(input, target);
        double eps = loss.labelSmoothing() > 0 ? loss.labelSmoothing() : 0;
        double[] perRow = new double[n];
        double[] rowWeight = new double[n]; // the mean's denominator: w[t] (index targets), 1 (probabilities)
        double[][] gIn = new double[n][], gT = new double[n][], nllRows = new double[n][], ignoredRows = new double[n][];
        boolean gradIn = grads.contains("input"), gradT = grads.contains("target"); // a forward computes neither
        for (int r = 0; r < n; r++) {
            int base = (int) rows.base(r);
            double[] logp = logSoftmax(input, base, c, stride);
            double[] gi = gradIn ? new double[c] : null, gt = gradT ? new double[c] : null, nll = gradIn ? new double[c] : null;
            if (probs) {
                double[] q = new double[c];
                double wq = 0, l = 0;
                for (int k = 0; k < c; k++) {
                    q[k] = target.getDouble(base + k * stride) * (1 - eps) + eps / c;
                    wq += w[k] * q[k];
                    l -= w[k] * q[k] * logp[k];
                }
                for (int k = 0; k < c; k++) {
                    if (gradIn) gi[k] = Math.exp(logp[k]) * wq - w[k] * q[k];
                    if (gradT) gt[k] = -(1 - eps) * w[k] * logp[k];
                }
                perRow[r] = l;
                rowWeight[r] = 1;
            } else {
                long t = target.getLong(r);
                if (t == loss.ignoreIndex()) {
                    // log_softmax's backward of a zero upstream gradient: 0 * p, NaN where the row is NaN.
                    for (int k = 0; gradIn && k < c; k++) gi[k] = 0 * Math.exp(logp[k]);
                    ignoredRows[r] = gi;
                    continue;
                }
                int ti = (int) t;
                double smooth = 0;
                for (int k = 0; k < c; k++) smooth -= w[k] * logp[k];
                perRow[r] = (1 - eps) * w[ti] * -logp[ti] + (eps > 0 ? eps / c * smooth : 0);
                for (int k = 0; gradIn && k < c; k++) {
                    double p = Math.exp(logp[k]);
                    // The two parts are scaled separately: with a weighted mean over zero total weight the NLL
                    // part is 0 * inf = NaN, as in PyTorch.
                    nll[k] = (1 - eps) * w[ti] * (p - (k == ti ? 1 : 0));
                    gi[k] = eps > 0 ? eps / c * (wAll * p - w[k]) : 0;
                }
                rowWeight[r] = w[ti];
            }
            gIn[r] = gi;
            gT[r] = gt;
            nllRows[r] = nll;
        }
        double[] out;
        double scale = 1;
        Shape outShape;
        if (loss.reduction() == Reduction.NONE) {
            out = perRow;
            outShape = probs ? input.shape().without(input.shape().rank() == 1 ? 0 : 1) : target.shape();
        } else {
            double sum = Reductions.sum(perRow);
            if (loss.reduction() == Reduction.MEAN) {
                double denom = Reductions.sum(rowWeight);
                scale = 1 / denom;
                // PyTorch: the NLL part alone is 0/0 = NaN when the weights of the targets sum to 0.
                out = new double[] {denom == 0 ? Double.NaN : sum / denom};
            } else {
                out = new double[] {sum};
            }
            outShape = Shape.scalar();
        }
        ReferenceResult res = new ReferenceResult(outShape, out);
        if (grads.contains("input")) {
            double[] g = scatter(gIn, rows, scale, input.shape());
            double[] g2 = scatter(nllRows, rows, scale, input.shape());
            double[] g3 = scatter(ignoredRows, rows, 1, input.shape()); // not scaled: 0 * inf would be NaN
            for (int i = 0; i < g.length; i++) g[i] += g2[i] + g3[i];
            res.withGrad("input", input.shape(), g);
        }
        if (grads.contains("target")) res.withGrad("target", target.shape(), scatter(gT, rows, scale, target.shape()));
        return res;
    }

    /** {@code log_softmax} of one row, PyTorch's way: {@code x - max - log(sum exp(x - max))}. */
    static double[] logSoftmax(HostTensor x, int base, int c, int stride) {
        double max = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int k = 0; k < c; k++) {
            double v = x.getDouble(base + k * stride);
            if (Double.isNaN(v)) nan = true;
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < c; k++) sum += Math.exp(x.getDouble(base + k * stride) - max);
        double lse = nan ? Double.NaN : max + Math.log(sum);
        double[] logp = new double[c];
        for (int k = 0; k < c; k++) logp[k] = nan ? Double.NaN : x.getDouble(base + k * stride) - lse;
        return logp;
    }

    /** Per-row gradients (null: all zero) times {@code scale}, laid out as the input. */
    static double[] scatter(double[][] perRow, ClassRows rows, double scale, Shape shape) {
        double[] g = new double[shape.numelInt()];
        int c = (int) rows.classes(), stride = (int) rows.inner();
        for (int r = 0; r < perRow.length; r++) {
            if (perRow[r] == null) continue;
            int base = (int) rows.base(r);
            for (int k = 0; k < c; k++) g[base + k * stride] = perRow[r][k] * scale;
        }
        return g;
    }
}
