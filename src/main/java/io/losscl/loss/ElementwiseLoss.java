package io.losscl.loss;

import io.losscl.Broadcast;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;

/**
 * A loss that is a formula of corresponding elements of its inputs, then reduced: l1, mse, huber,
 * smooth_l1, ... Backends share one skeleton for all of them; each loss contributes its formula and
 * its derivative (a {@code .cl} file and a reference class of the same stem).
 *
 * <p>Inputs broadcast against each other with PyTorch's rules: the per-element losses have the
 * {@link #elementShape broadcast shape} of all inputs, and the gradient of an input that was
 * broadcast is summed back to that input's own shape (as autograd does).
 */
public interface ElementwiseLoss extends io.losscl.ReducibleLoss {
    /** How per-element losses are combined. */
    @Override Reduction reduction();

    /** Inputs broadcast: only those of the batch's rank are cut into rows. */
    @Override default boolean broadcastsInputs() { return true; }

    /** A 1-D input is a batch of elements. */
    @Override default int minBatchedRank() { return 1; }

    /** The loss's scalar options in the order its formula reads them (e.g. {@code delta}); may be empty. */
    double[] parameters();

    /**
     * The shape input {@code name} takes part in broadcasting with: its own shape, except where the
     * loss reshapes an input first (gaussian_nll_loss gives a {@code var} without the input's last
     * dimension a trailing 1). Always the same number of elements, in the same order.
     */
    default Shape operandShape(String name, LossInputs inputs) { return inputs.get(name).shape(); }

    /**
     * Rejects gradients PyTorch refuses to compute (soft_margin_loss's target), before any work.
     * Both backends call it first; by default every floating input is differentiable.
     *
     * @throws io.losscl.InvalidArgumentException naming the input
     */
    default void checkGradients(java.util.Set<String> grads) {}

    /**
     * The shape of the per-element losses: the broadcast of every input's {@link #operandShape}.
     * Only for inputs that passed {@link #validate}.
     */
    default Shape elementShape(LossInputs inputs) {
        Shape out = null;
        for (String name : inputNames()) {
            Shape s = operandShape(name, inputs);
            out = out == null ? s : Broadcast.shapes(out, s);
        }
        return out;
    }

    /**
     * The factor that turns the sum of the {@code n} per-element losses into the reduced output (and the
     * gradient's upstream scale): {@code 1/n} for mean, 1 for sum and none. kl_div's batchmean overrides it.
     */
    default double reductionScale(io.losscl.Shape input, long n) { return reduction() == Reduction.MEAN ? 1.0 / n : 1.0; }

    /**
     * {@link #reductionScale(Shape, long)} for a call on {@code inputs} whose per-element losses have shape
     * {@code elementShape} ({@code n} elements). By default the element shape decides; kl_div's batchmean
     * divides by the INPUT's first dimension, as PyTorch does, also when the target broadcasts it larger.
     */
    default double reductionScale(LossInputs inputs, Shape elementShape, long n) { return reductionScale(elementShape, n); }
}
