package io.losscl.reference;

import io.losscl.Broadcast;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.MultilabelSoftMarginLoss;
import java.util.Set;

/**
 * multilabel_soft_margin_loss over the broadcast of input, target and weight:
 * {@code e = -w (y log sigmoid(x) + (1 - y) log sigmoid(-x))}, summed over the class dimension and
 * divided by C. {@code de/dx = w (sigmoid(x) - y)}, {@code de/dy = -w x} (since
 * log sigmoid(x) - log sigmoid(-x) = x); gradients of broadcast inputs are summed.
 */
public final class MultilabelSoftMarginLossReference implements ReferenceLoss<MultilabelSoftMarginLoss> {
    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    static double logSigmoid(double x) { return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))); }

    @Override
    public ReferenceResult compute(MultilabelSoftMarginLoss loss, LossInputs inputs, Set<String> grads) {
        HostTensor input = (HostTensor) inputs.get("input"), target = (HostTensor) inputs.get("target");
        HostTensor weight = loss.weight();
        Shape full = loss.fullShape(inputs);
        int cd = loss.classDim(inputs);
        long c = input.shape().dim(-1);
        long cFull = full.dim(cd);
        long inner = full.product(cd + 1, full.rank());
        Shape outFull = full.without(cd);
        WorkingMemory.requireDoubles(loss.name(), full, "the broadcast shape"); // every element is visited by int index
        int outN = outFull.numelInt();
        Broadcast.IndexMap si = Broadcast.map(input.shape(), full), st = Broadcast.map(target.shape(), full);
        Broadcast.IndexMap sw = weight == null ? null : Broadcast.map(weight.shape(), full);
        double[] rows = new double[outN];
        double[] gx = new double[input.shape().numelInt()], gy = new double[target.shape().numelInt()];
        double scale = Reductions.gradScale(loss.reduction(), outN) / c;
        int total = full.numelInt();
        for (int e = 0; e < total; e++) {
            int ix = si.at(e), it = st.at(e);
            double x = input.getDouble(ix), y = target.getDouble(it);
            double w = weight == null ? 1 : weight.getDouble(sw.at(e));
            long outer = e / (cFull * inner), in = e % inner;
            int o = (int) (outer * inner + in);
            rows[o] += -w * (y * logSigmoid(x) + (1 - y) * logSigmoid(-x));
            gx[ix] += w * ((1 - y) * sigmoid(x) - y * sigmoid(-x)) * scale; // PyTorch's form: exact for confident logits
            gy[it] += -w * x * scale;
        }
        for (int o = 0; o < outN; o++) rows[o] /= c;
        double[] out = Reductions.reduce(rows, loss.reduction());
        ReferenceResult res = new ReferenceResult(loss.reduction() == Reduction.NONE ? outFull : Shape.scalar(), out);
        if (grads.contains("input")) res.withGrad("input", input.shape(), gx);
        if (grads.contains("target")) res.withGrad("target", target.shape(), gy);
        return res;
    }
}
