package io.losscl.reference;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.LinearCrossEntropyLoss;
import java.util.Set;

/**
 * linear_cross_entropy in double, by its definition: the logits {@code z = x W^T + b} of every row, capped
 * ({@code y = s tanh(z / s)}) when softcap is on, then {@link CrossEntropyReference} on them, plus the z-loss
 * {@code z_loss * lse(y)^2} of each row not ignored. <b>This oracle holds all N x V logits</b> (and their
 * gradient) in memory; only the OpenCL kernel avoids that.
 *
 * <p>Gradients: {@code g = dL/dy} is cross_entropy's gradient of its input plus the z-loss's
 * {@code 2 z_loss lse p_c} (p = softmax(y)) per row not ignored, scaled like the loss; softcap's chain rule gives
 * {@code dL/dz = g (1 - (y / s)^2)}; then {@code dL/dx = dL/dz W}, {@code dL/dW = dL/dz^T x} and
 * {@code dL/db = sum over rows of dL/dz}.
 */
public final class LinearCrossEntropyReference implements ReferenceLoss<LinearCrossEntropyLoss> {
    @Override
    public ReferenceResult compute(LinearCrossEntropyLoss loss, LossInputs inputs, Set<String> grads) {
        HostTensor x = (HostTensor) inputs.get("input"), w = (HostTensor) inputs.get("linear_weight");
        HostTensor b = (HostTensor) inputs.get("linear_bias"), target = (HostTensor) inputs.get("target");
        int n = (int) LinearCrossEntropyLoss.rows(x), h = (int) LinearCrossEntropyLoss.hidden(x), v = (int) w.shape().dim(0);
        Double cap = loss.softcap();

        // y = softcap(x W^T + b), all N x V of it.
        double[] y = new double[n * v];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < v; c++) {
                double z = b == null ? 0 : b.getDouble(c);
                for (int k = 0; k < h; k++) z += x.getDouble(r * h + k) * w.getDouble(c * h + k);
                y[r * v + c] = cap == null ? z : cap * Math.tanh(z / cap);
            }
        }
        long[] t = target.longData();
        HostTensor logits = HostTensor.of(y, n, v);
        HostTensor rowTargets = HostTensor.of(t.clone(), n);
        CrossEntropyLoss ce = loss.crossEntropy();
        ReferenceResult ceResult = new CrossEntropyReference().compute(ce, LossInputs.of("input", logits, "target", rowTargets), Set.of("input"));
        double[] out = ceResult.output().clone();
        double[] g = ceResult.grads().get("input");

        if (loss.zLoss() > 0) {
            int kept = 0;
            for (long ti : t) if (ti != loss.ignoreIndex()) kept++;
            double zScale = loss.reduction() == Reduction.MEAN ? 1.0 / kept : 1.0;
            double zSum = 0;
            for (int r = 0; r < n; r++) {
                if (t[r] == loss.ignoreIndex()) continue;
                double lse = logSumExp(y, r * v, v);
                double zr = loss.zLoss() * lse * lse;
                if (loss.reduction() == Reduction.NONE) out[r] += zr;
                else zSum += zr;
                for (int c = 0; c < v; c++) g[r * v + c] += 2 * loss.zLoss() * lse * Math.exp(y[r * v + c] - lse) * zScale;
            }
            if (loss.reduction() != Reduction.NONE && kept > 0) out[0] += zSum * zScale;
        }
        if (cap != null) {
            for (int i = 0; i < g.length; i++) {
                double s = y[i] / cap;
                g[i] *= 1 - s * s;
            }
        }

        Shape outShape = loss.reduction() == Reduction.NONE ? target.shape() : Shape.scalar();
        ReferenceResult res = new ReferenceResult(outShape, out);
        if (grads.contains("input")) {
            double[] gx = new double[n * h];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < v; c++) {
                    double gz = g[r * v + c];
                    for (int k = 0; k < h; k++) gx[r * h + k] += gz * w.getDouble(c * h + k);
                }
            }
            res.withGrad("input", x.shape(), gx);
        }
        if (grads.contains("linear_weight")) {
            double[] gw = new double[v * h];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < v; c++) {
                    double gz = g[r * v + c];
                    for (int k = 0; k < h; k++) gw[c * h + k] += gz * x.getDouble(r * h + k);
                }
            }
            res.withGrad("linear_weight", w.shape(), gw);
        }
        if (grads.contains("linear_bias")) {
            double[] gb = new double[v];
            for (int r = 0; r < n; r++) for (int c = 0; c < v; c++) gb[c] += g[r * v + c];
            res.withGrad("linear_bias", b.shape(), gb);
        }
        return res;
    }

    /** {@code log sum exp} of {@code y[from .. from + len)}, as log_softmax computes it (NaN for +inf or all -inf). */
    private static double logSumExp(double[] y, int from, int len) {
        double max = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int c = 0; c < len; c++) {
            nan |= Double.isNaN(y[from + c]);
            max = Math.max(max, y[from + c]);
        }
        double sum = 0;
        for (int c = 0; c < len; c++) sum += Math.exp(y[from + c] - max);
        return nan || Double.isInfinite(max) ? Double.NaN : max + Math.log(sum);
    }
}
