package io.losscl.loss;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * What {@link BinaryCrossEntropyLoss} and {@link BinaryCrossEntropyWithLogitsLoss} share: inputs
 * {@code input} and {@code target} of one shape and one floating dtype, an optional {@code weight}
 * (and for the logits form {@code pos_weight}) broadcast against the input without enlarging it, and
 * a {@code none}/{@code mean}/{@code sum} reduction where {@code mean} divides by the number of
 * elements (not by the weights). Both inputs are differentiable.
 */
public abstract class BinaryCrossEntropyFamily implements io.losscl.ReducibleLoss {
    private final Reduction reduction;
    private final HostTensor weight;

    BinaryCrossEntropyFamily(Reduction reduction, HostTensor weight) {
        if (reduction == null) throw new InvalidArgumentException("reduction must not be null");
        if (reduction == Reduction.BATCHMEAN) {
            throw new InvalidArgumentException(name() + ": reduction batchmean is only valid for kl_div");
        }
        if (weight != null && !weight.dtype().isFloating()) {
            throw new InvalidArgumentException(name() + ": weight must be a floating-point tensor, got " + weight.dtype());
        }
        this.reduction = reduction;
        this.weight = weight;
    }

    /** How the per-element losses are combined. */
    @Override public Reduction reduction() { return reduction; }

    /** A 1-D input is a batch of elements. (A weight with the batch dimension is an option, not cut: such a call is not split.) */
    @Override public int minBatchedRank() { return 1; }

    @Override
    public boolean splittable(LossInputs inputs) {
        return !RowLosses.hasBatchDim(weight, inputs.get("input"), batchRows(inputs))
                && !RowLosses.hasBatchDim(posWeight(), inputs.get("input"), batchRows(inputs));
    }

    /** The per-element rescaling weight, or {@code null}. */
    public HostTensor weight() { return weight; }

    /** The weight of positive examples (logits form only), or {@code null}. */
    public HostTensor posWeight() { return null; }

    /** True for {@code binary_cross_entropy_with_logits} (the input is a logit, not a probability). */
    public abstract boolean logits();

    @Override public List<String> inputNames() { return List.of("input", "target"); }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor input = Checks.floating(name(), inputs, "input");
        Tensor target = inputs.require(name(), "target");
        if (!target.dtype().isFloating()) {
            throw Checks.invalid(name(), "target must be a floating-point tensor of the input's dtype "
                    + input.dtype() + ", got " + target.dtype() + " of shape " + target.shape());
        }
        if (!target.shape().equals(input.shape())) {
            throw Checks.invalid(name(), "target of shape " + target.shape() + " must have the same shape as input "
                    + input.shape() + " (PyTorch does not broadcast the target)");
        }
        Checks.sameDtype(name(), "input", input, "target", target);
        if (weight != null) Checks.broadcastable(name(), "weight", weight.shape(), input.shape());
        if (posWeight() != null) Checks.broadcastable(name(), "pos_weight", posWeight().shape(), input.shape());
        validateValues(input);
        return reduction == Reduction.NONE ? input.shape() : Shape.scalar();
    }

    /** Checks the input's values where they are on the host (probabilities in [0, 1]). */
    void validateValues(Tensor input) {}

    /** {@code t} in {@code dtype} (a copy when it has another dtype). */
    public static HostTensor as(HostTensor t, DType dtype) {
        return t == null || t.dtype() == dtype ? t : HostTensor.fromDoubles(dtype, t.shape(), t.toDoubleArray());
    }

    @Override
    public String toString() {
        return name() + "(reduction=" + reduction + (weight != null ? ", weight=" + weight.shape() : "")
                + (posWeight() != null ? ", pos_weight=" + posWeight().shape() : "") + ")";
    }
}
