package io.losscl.reference;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Shape;
import io.losscl.loss.ElementwiseLoss;
import java.util.List;
import java.util.Set;

/**
 * The reference skeleton of an elementwise loss: {@code l_i = f(a_i, b_i, ...)} over corresponding
 * elements of the inputs, then reduced. A loss supplies {@link #value} and {@link #derivative}.
 *
 * @param <L> the loss
 */
public abstract class ElementwiseReference<L extends ElementwiseLoss> implements ReferenceLoss<L> {

    /** The per-element loss from the elements {@code x[k]} of the inputs (in {@link ElementwiseLoss#inputNames()} order). */
    protected abstract double value(L loss, double[] x);

    /** d l_i / d x[k] at the elements {@code x}. */
    protected abstract double derivative(L loss, double[] x, int k);

    @Override
    public ReferenceResult compute(L loss, LossInputs inputs, Set<String> grads) {
        List<String> names = loss.inputNames();
        HostTensor[] in = new HostTensor[names.size()];
        for (int k = 0; k < in.length; k++) in[k] = (HostTensor) inputs.get(names.get(k));
        Shape shape = in[0].shape();
        int n = shape.numelInt();
        double[] x = new double[in.length];
        double[] perElement = new double[n];
        double[][] g = new double[in.length][];
        for (int k = 0; k < in.length; k++) if (grads.contains(names.get(k))) g[k] = new double[n];
        double scale = Reductions.gradScale(loss.reduction(), n);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < in.length; k++) x[k] = in[k].getDouble(i);
            perElement[i] = value(loss, x);
            for (int k = 0; k < in.length; k++) if (g[k] != null) g[k][i] = derivative(loss, x, k) * scale;
        }
        double[] out = Reductions.reduce(perElement, loss.reduction());
        ReferenceResult r = new ReferenceResult(out.length == 1 && out != perElement ? Shape.scalar() : shape, out);
        for (int k = 0; k < in.length; k++) if (g[k] != null) r.withGrad(names.get(k), shape, g[k]);
        return r;
    }
}
