package io.losscl.reference;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.MultiMarginLoss;
import io.losscl.loss.RowLosses;
import java.util.Set;

/**
 * multi_margin_loss: {@code l = sum_{i != y} w[y] max(0, margin - x[y] + x[i])^p / C} per row.
 * d l / d x[i] = w[y] * (p == 1 ? 1 : 2 z_i) / C for i != y with z_i > 0; d l / d x[y] = -(sum of those).
 */
public final class MultiMarginLossReference implements ReferenceLoss<MultiMarginLoss> {
    @Override
    public ReferenceResult compute(MultiMarginLoss loss, LossInputs inputs, Set<String> grads) {
        HostTensor input = (HostTensor) inputs.get("input"), target = (HostTensor) inputs.get("target");
        Shape s = input.shape();
        int n = (int) RowLosses.frames(s);
        int c = (int) RowLosses.classes(s);
        double[] x = input.toDoubleArray();
        double[] rows = new double[n];
        double[] g = new double[x.length];
        double scale = Reductions.gradScale(loss.reduction(), n);
        for (int r = 0; r < n; r++) {
            int y = (int) target.getLong(r);
            double w = loss.weight() == null ? 1 : loss.weight().getDouble(y);
            double xy = x[r * c + y];
            double sum = 0, dsum = 0;
            for (int i = 0; i < c; i++) {
                if (i == y) continue;
                double z = loss.margin() - xy + x[r * c + i];
                if (z > 0) {
                    sum += w * (loss.p() == 1 ? z : z * z);
                    double d = w * (loss.p() == 1 ? 1 : 2 * z) / c;
                    g[r * c + i] = d * scale;
                    dsum += d;
                }
            }
            g[r * c + y] = -dsum * scale;
            rows[r] = sum / c;
        }
        double[] out = Reductions.reduce(rows, loss.reduction());
        Shape outShape = loss.reduction() == Reduction.NONE && target.shape().rank() > 0 ? Shape.of(n) : Shape.scalar();
        ReferenceResult res = new ReferenceResult(outShape, out);
        if (grads.contains("input")) res.withGrad("input", s, g);
        return res;
    }
}
