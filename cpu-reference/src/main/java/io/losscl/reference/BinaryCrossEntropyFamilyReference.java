package io.losscl.reference;

import io.losscl.Broadcast;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Shape;
import io.losscl.loss.BinaryCrossEntropyFamily;
import java.util.Set;

/**
 * The reference skeleton of the binary cross-entropy family: per element, the loss and its two
 * partial derivatives from the input {@code x}, the target {@code y} and the pos_weight {@code p}
 * (1 when absent), times the broadcast {@code weight}, then reduced.
 *
 * @param <L> the loss
 */
abstract class BinaryCrossEntropyFamilyReference<L extends BinaryCrossEntropyFamily> implements ReferenceLoss<L> {
    /** The per-element loss; {@code hasPosWeight} false when pos_weight is absent (then p = 1). */
    abstract double value(double x, double y, double p, boolean hasPosWeight);

    /** d l / d x; {@code hasPosWeight} false when pos_weight is absent (then p = 1). */
    abstract double dInput(double x, double y, double p, boolean hasPosWeight);

    /** d l / d y; {@code hasPosWeight} false when pos_weight is absent (then p = 1). */
    abstract double dTarget(double x, double y, double p, boolean hasPosWeight);

    @Override
    public ReferenceResult compute(L loss, LossInputs inputs, Set<String> grads) {
        HostTensor input = (HostTensor) inputs.get("input");
        HostTensor target = (HostTensor) inputs.get("target");
        Shape shape = input.shape();
        int n = shape.numelInt();
        HostTensor w = loss.weight();
        HostTensor pw = loss.posWeight();
        Broadcast.IndexMap wAt = w == null ? null : Broadcast.map(w.shape(), shape);
        Broadcast.IndexMap pAt = pw == null ? null : Broadcast.map(pw.shape(), shape);
        double[] perElement = new double[n];
        double[] gx = grads.contains("input") ? new double[n] : null;
        double[] gy = grads.contains("target") ? new double[n] : null;
        double scale = Reductions.gradScale(loss.reduction(), n);
        for (int i = 0; i < n; i++) {
            double x = input.getDouble(i);
            double y = target.getDouble(i);
            double wi = w == null ? 1 : w.getDouble(wAt.at(i));
            double p = pw == null ? 1 : pw.getDouble(pAt.at(i));
            perElement[i] = wi * value(x, y, p, pw != null);
            if (gx != null) gx[i] = wi * dInput(x, y, p, pw != null) * scale;
            if (gy != null) gy[i] = wi * dTarget(x, y, p, pw != null) * scale;
        }
        double[] out = Reductions.reduce(perElement, loss.reduction());
        ReferenceResult r = new ReferenceResult(out == perElement ? shape : Shape.scalar(), out);
        if (gx != null) r.withGrad("input", shape, gx);
        if (gy != null) r.withGrad("target", shape, gy);
        return r;
    }
}
