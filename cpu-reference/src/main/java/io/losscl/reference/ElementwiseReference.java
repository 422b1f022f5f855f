package io.losscl.reference;

import io.losscl.Broadcast;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Shape;
import io.losscl.loss.ElementwiseLoss;
import java.util.List;
import java.util.Set;

/**
 * The reference skeleton of an elementwise loss: {@code l_i = f(a_i, b_i, ...)} over corresponding
 * elements of the inputs broadcast together (PyTorch's rules), then reduced. A loss supplies
 * {@link #value} and {@link #derivative}. The gradient of a broadcast input accumulates the
 * derivatives of every element that read it, as autograd's sum over the broadcast dimensions.
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
        loss.checkGradients(inputs, grads);
        List<String> names = loss.inputNames();
        int arity = names.size();
        HostTensor[] in = new HostTensor[arity];
        Broadcast.IndexMap[] map = new Broadcast.IndexMap[arity];
        Shape shape = loss.elementShape(inputs);
        for (int k = 0; k < arity; k++) {
            in[k] = (HostTensor) inputs.get(names.get(k));
            map[k] = Broadcast.map(loss.operandShape(names.get(k), inputs), shape);
        }
        // An int64 input is promoted to the result's floating dtype first, as PyTorch does.
        DType promoted = DType.resultOf(inputs);
        boolean[] rounds = new boolean[arity];
        for (int k = 0; k < arity; k++) rounds[k] = !in[k].dtype().isFloating();
        int n = WorkingMemory.requireDoubles(loss.name(), shape, "the per-element losses of the broadcast shape");
        double[] x = new double[arity];
        double[] perElement = new double[n];
        double[][] g = new double[arity][];
        for (int k = 0; k < arity; k++) if (grads.contains(names.get(k))) g[k] = new double[in[k].shape().numelInt()];
        double scale = Reductions.gradScale(loss.reduction(), n);
        int[] at = new int[arity];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < arity; k++) {
                at[k] = map[k].at(i);
                x[k] = in[k].getDouble(at[k]);
                if (rounds[k]) x[k] = promoted.round(x[k]);
            }
            perElement[i] = value(loss, x);
            for (int k = 0; k < arity; k++) if (g[k] != null) g[k][at[k]] += derivative(loss, x, k) * scale;
        }
        double[] out = Reductions.reduce(perElement, loss.reduction());
        ReferenceResult r = new ReferenceResult(out.length == 1 && out != perElement ? Shape.scalar() : shape, out);
        for (int k = 0; k < arity; k++) if (g[k] != null) r.withGrad(names.get(k), in[k].shape(), g[k]);
        return r;
    }
}
