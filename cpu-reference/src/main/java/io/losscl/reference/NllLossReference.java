package io.losscl.reference;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.ClassRows;
import io.losscl.loss.NllLoss;
import java.util.Set;

/**
 * nll_loss in double: {@code l = -w[t] x[t]} per position (0 where ignored); {@code mean} divides the sum
 * by {@code sum w[t]} over positions not ignored. Gradient: {@code -w[t] / (that sum, for mean)} at the
 * target class, 0 elsewhere (PyTorch's {@code -w[t] * (1 / 0)} is NaN when the weights sum to 0).
 */
public final class NllLossReference implements ReferenceLoss<NllLoss> {
    @Override
    public ReferenceResult compute(NllLoss loss, LossInputs inputs, Set<String> grads) {
        HostTensor input = (HostTensor) inputs.get("input"), target = (HostTensor) inputs.get("target");
        ClassRows rows = ClassRows.classDim1(input.shape());
        int n = (int) rows.rows(), stride = (int) rows.inner();
        double[] perRow = new double[n];
        double totalWeight = 0;
        for (int r = 0; r < n; r++) {
            long t = target.getLong(r);
            if (t == loss.ignoreIndex()) continue;
            double w = loss.weight() == null ? 1 : loss.weight().getDouble((int) t);
            perRow[r] = -w * input.getDouble((int) (rows.base(r) + t * stride));
            totalWeight += w;
        }
        double scale = 1;
        ReferenceResult res;
        if (loss.reduction() == Reduction.NONE) {
            res = new ReferenceResult(target.shape(), perRow);
        } else if (loss.reduction() == Reduction.SUM) {
            res = ReferenceResult.scalar(Reductions.sum(perRow));
        } else {
            scale = 1 / totalWeight;
            res = ReferenceResult.scalar(Reductions.sum(perRow) / totalWeight);
        }
        if (grads.contains("input")) {
            double[] g = new double[input.shape().numelInt()];
            for (int r = 0; r < n; r++) {
                long t = target.getLong(r);
                if (t == loss.ignoreIndex()) continue;
                double w = loss.weight() == null ? 1 : loss.weight().getDouble((int) t);
                g[(int) (rows.base(r) + t * stride)] = w * -scale;
            }
            res.withGrad("input", input.shape(), g);
        }
        return res;
    }
}
