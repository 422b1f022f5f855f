package io.losscl.reference;

import io.losscl.Broadcast;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.KlDivLoss;
import java.util.Set;

/**
 * kl_div in double, pointwise over the broadcast shape: {@code l = xlogy(t, t) - t x} (0 for t = 0, NaN for
 * t &lt; 0) or {@code exp(t) (t - x)} with log targets; then summed, averaged, or divided by the input's first
 * dimension (batchmean). Gradients are summed over broadcast dimensions back to each input's shape.
 */
public final class KlDivLossReference implements ReferenceLoss<KlDivLoss> {
    /** The pointwise loss. */
    static double value(double x, double t, boolean logTarget) {
        if (logTarget) return Math.exp(t) * (t - x);
        double xlogy = t == 0 && !Double.isNaN(t) ? 0 : t * Math.log(t);
        return xlogy - t * x;
    }

    /** d l / d x. */
    static double dInput(double x, double t, boolean logTarget) { return logTarget ? -Math.exp(t) : -t; }

    /** d l / d t: PyTorch's xlogy backward gives {@code log t + 1 - x} (t / t = NaN at t = 0 is as PyTorch). */
    static double dTarget(double x, double t, boolean logTarget) {
        if (logTarget) return Math.exp(t) * (t - x + 1);
        return Math.log(t) + t / t - x;
    }

    @Override
    public ReferenceResult compute(KlDivLoss loss, LossInputs inputs, Set<String> grads) {
        HostTensor in = (HostTensor) inputs.get("input"), tg = (HostTensor) inputs.get("target");
        Shape out = Broadcast.shapes(in.shape(), tg.shape());
        Broadcast.IndexMap sIn = Broadcast.map(in.shape(), out), sT = Broadcast.map(tg.shape(), out);
        int n = WorkingMemory.requireDoubles(loss.name(), out, "the per-element losses of the broadcast shape");
        boolean lt = loss.logTarget();
        double[] l = new double[n];
        double scale = loss.reductionScale(in.shape(), n);
        double[] gIn = grads.contains("input") ? new double[in.shape().numelInt()] : null;
        double[] gT = grads.contains("target") ? new double[tg.shape().numelInt()] : null;
        for (int i = 0; i < n; i++) {
            int a = sIn.at(i), b = sT.at(i);
            double x = in.getDouble(a), t = tg.getDouble(b);
            l[i] = value(x, t, lt);
            if (gIn != null) gIn[a] += dInput(x, t, lt) * scale;
            if (gT != null) gT[b] += dTarget(x, t, lt) * scale;
        }
        ReferenceResult res = loss.reduction() == Reduction.NONE
                ? new ReferenceResult(out, l)
                : ReferenceResult.scalar(Reductions.sum(l) * scale);
        if (gIn != null) res.withGrad("input", in.shape(), gIn);
        if (gT != null) res.withGrad("target", tg.shape(), gT);
        return res;
    }
}
