package io.losscl.loss;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * Cross-entropy of logits, {@code torch.nn.functional.cross_entropy}. With {@code logp = log_softmax(input)}
 * over the class dimension (dimension 1 of {@code (N, C, d1..dK)}, dimension 0 of an unbatched {@code (C)}):
 *
 * <ul>
 *   <li><b>class-index targets</b> (int64, shape {@code (N, d1..dK)} or 0-dim): per position
 *       {@code l = (1 - eps) * w[t] * (-logp[t]) + eps / C * sum_c w[c] * (-logp[c])}, 0 where
 *       {@code t == ignoreIndex}. {@code mean} divides the sum by {@code sum w[t]} over the positions not
 *       ignored (NaN when there are none), as PyTorch 1.13.</li>
 *   <li><b>class-probability targets</b> (floating, the input's shape): {@code q = t (1 - eps) + eps / C}
 *       when {@code eps > 0}, {@code l = -sum_c w[c] q[c] logp[c]}; {@code mean} divides by the number of
 *       positions. {@code ignoreIndex} must be negative (it is unused).</li>
 * </ul>
 * Options: {@code weight} (one value per class, default all 1), {@code ignoreIndex} (any integer, default
 * -100), {@code reduction} (default {@code mean}), {@code labelSmoothing} {@code eps} (at most 1; PyTorch
 * accepts a negative value and then smooths nothing; default 0). Gradients: input (and target for
 * probability targets).
 */
public final class CrossEntropyLoss implements io.losscl.ReducibleLoss {
    /** The {@code torch.nn.functional} name. */
    public static final String NAME = "cross_entropy";
    private final HostTensor weight;
    private final long ignoreIndex;
    private final Reduction reduction;
    private final double labelSmoothing;

    private CrossEntropyLoss(Builder b) {
        this.weight = b.weight;
        this.ignoreIndex = b.ignoreIndex;
        this.reduction = b.reduction;
        this.labelSmoothing = b.labelSmoothing;
    }

    /** A builder with PyTorch's defaults. */
    public static Builder builder() { return new Builder(); }

    /** cross_entropy with every option at its default (mean reduction). */
    public static CrossEntropyLoss of() { return builder().build(); }

    /** From PyTorch-style options: {@code weight}, {@code ignore_index}, {@code reduction}, {@code label_smoothing}. */
    public static CrossEntropyLoss fromOptions(Options o) {
        o.allowOnly("weight", "ignore_index", "reduction", "label_smoothing");
        return builder().weight(o.tensor("weight")).ignoreIndex(o.integer("ignore_index", -100))
                .reduction(o.reduction(Reduction.MEAN, false)).labelSmoothing(o.number("label_smoothing", 0.0)).build();
    }

    /** Class weights, or {@code null} for all ones. */
    public HostTensor weight() { return weight; }
    /** The target value whose positions are ignored (default -100). */
    public long ignoreIndex() { return ignoreIndex; }
    /** The reduction (default {@code mean}). */
    @Override public Reduction reduction() { return reduction; }

    @Override
    public CrossEntropyLoss withReduction(Reduction r) {
        return builder().weight(weight).ignoreIndex(ignoreIndex).labelSmoothing(labelSmoothing).reduction(r).build();
    }

    /** mean of class-index targets divides by the weights of the targets not ignored; of probabilities, by the positions. */
    @Override
    public void addDenominator(LossInputs slice, io.losscl.ExactSum denominator) {
        if (reduction == Reduction.MEAN && !probabilityTargets(slice.get("input"), slice.get("target"))) {
            ClassTargets.addTargetWeights(slice.get("target"), weight, ignoreIndex, denominator);
        } else {
            io.losscl.ReducibleLoss.super.addDenominator(slice, denominator);
        }
    }
    /** The label smoothing {@code eps} (default 0). */
    public double labelSmoothing() { return labelSmoothing; }

    /** True when {@code target} holds class probabilities (it has the input's shape) rather than class indices. */
    public static boolean probabilityTargets(Tensor input, Tensor target) { return input.shape().equals(target.shape()); }

    @Override public String name() { return NAME; }

    @Override public List<String> inputNames() { return List.of("input", "target"); }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor input = Checks.floating(NAME, inputs, "input");
        Tensor target = inputs.require(NAME, "target");
        ClassRows rows;
        Shape perPosition;
        if (probabilityTargets(input, target)) {
            // PyTorch takes equal shapes as probability targets, so an int64 target of the input's shape is an error.
            if (!target.dtype().isFloating()) {
                throw Checks.invalid(NAME, "target of the input's shape " + target.shape() + " holds class probabilities and must be floating-point, got " + target.dtype());
            }
            if (input.shape().rank() == 0) throw Checks.invalid(NAME, "input must have 1 or more dimensions, got a 0-dim tensor");
            // PyTorch 1.13 rejects only a non-negative ignore_index here.
            if (ignoreIndex >= 0) throw Checks.invalid(NAME, "ignore_index " + ignoreIndex + " is not supported for class-probability targets");
            rows = ClassRows.classDim1(input.shape());
            perPosition = input.shape().without(input.shape().rank() == 1 ? 0 : 1);
        } else {
            if (target.dtype() != DType.INT64) {
                throw Checks.invalid(NAME, "target of shape " + target.shape() + " must be int64 class indices (or class probabilities of the input's shape "
                        + input.shape() + "), got " + target.dtype());
            }
            perPosition = ClassTargets.checkShapes(NAME, input, target);
            rows = ClassRows.classDim1(input.shape());
            ClassTargets.checkValues(NAME, target, rows.classes(), ignoreIndex);
        }
        ClassTargets.checkWeight(NAME, weight, rows.classes());
        return reduction == Reduction.NONE ? perPosition : Shape.scalar();
    }

    @Override
    public String toString() {
        return NAME + "(weight=" + (weight == null ? "none" : weight.shape().toString()) + ", ignore_index=" + ignoreIndex
                + ", reduction=" + reduction + ", label_smoothing=" + labelSmoothing + ")";
    }

    /** Builds a {@link CrossEntropyLoss}; {@link #build()} checks the options. */
    public static final class Builder {
        private HostTensor weight;
        private long ignoreIndex = -100;
        private Reduction reduction = Reduction.MEAN;
        private double labelSmoothing;

        private Builder() {}

        /** One weight per class (floating, shape {@code (C)}); {@code null} for all ones. */
        public Builder weight(HostTensor weight) { this.weight = weight; return this; }

        /** One weight per class. */
        public Builder weight(float... weight) { return weight(HostTensor.of(weight.clone(), weight.length)); }

        /** Target value whose positions contribute nothing (any integer; default -100). */
        public Builder ignoreIndex(long ignoreIndex) { this.ignoreIndex = ignoreIndex; return this; }

        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Label smoothing in {@code [0, 1]} (default 0). */
        public Builder labelSmoothing(double labelSmoothing) { this.labelSmoothing = labelSmoothing; return this; }

        /** The loss with these options; an {@link io.losscl.InvalidArgumentException} for an option out of range. */
        public CrossEntropyLoss build() {
            if (reduction == null || reduction == Reduction.BATCHMEAN) {
                throw Checks.invalid(NAME, "reduction " + reduction + " is not valid; expected 'none', 'mean' or 'sum'");
            }
            // PyTorch 1.13 checks only the upper bound (a negative value disables smoothing); NaN fails too.
            if (!(labelSmoothing <= 1.0)) throw Checks.invalid(NAME, "label_smoothing must be between 0.0 and 1.0, got " + labelSmoothing);
            if (weight != null && weight.shape().rank() != 1) throw Checks.invalid(NAME, "weight must be 1-D, got shape " + weight.shape());
            return new CrossEntropyLoss(this);
        }
    }
}
