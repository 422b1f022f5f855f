package io.losscl.reference;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.MultilabelMarginLoss;
import io.losscl.loss.RowLosses;
import java.util.Set;

/**
 * multilabel_margin_loss: the row's targets are its entries before the first -1;
 * {@code l = sum_j sum_{i not a target} max(0, 1 - x[y_j] + x[i]) / C}. Each positive term adds
 * 1/C to d l/d x[i] and -1/C to d l/d x[y_j].
 */
public final class MultilabelMarginLossReference implements ReferenceLoss<MultilabelMarginLoss> {
    @Override
    public ReferenceResult compute(MultilabelMarginLoss loss, LossInputs inputs, Set<String> grads) {
        HostTensor input = (HostTensor) inputs.get("input"), target = (HostTensor) inputs.get("target");
        Shape s = input.shape();
        int n = (int) RowLosses.frames(s);
        int c = (int) RowLosses.classes(s);
        double[] x = input.toDoubleArray();
        double[] rows = new double[n];
        double[] g = new double[x.length];
        double scale = Reductions.gradScale(loss.reduction(), n);
        for (int r = 0; r < n; r++) {
            boolean[] isTarget = new boolean[c];
            int len = 0;
            while (len < c && target.getLong(r * c + len) >= 0) {
                isTarget[(int) target.getLong(r * c + len)] = true;
                len++;
            }
            double sum = 0;
            for (int j = 0; j < len; j++) {
                int yj = (int) target.getLong(r * c + j);
                double xy = x[r * c + yj];
                for (int i = 0; i < c; i++) {
                    if (isTarget[i]) continue;
                    double z = 1 - xy + x[r * c + i];
                    if (z > 0) {
                        sum += z;
                        g[r * c + i] += scale / c;
                        g[r * c + yj] -= scale / c;
                    }
                }
            }
            rows[r] = sum / c;
        }
        double[] out = Reductions.reduce(rows, loss.reduction());
        Shape outShape = loss.reduction() == Reduction.NONE && target.shape().rank() > 1 ? Shape.of(n) : Shape.scalar();
        ReferenceResult res = new ReferenceResult(outShape, out);
        if (grads.contains("input")) res.withGrad("input", s, g);
        return res;
    }
}
