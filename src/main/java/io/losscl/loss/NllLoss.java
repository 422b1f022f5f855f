package io.losscl.loss;

import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * Negative log-likelihood of log-probabilities, {@code torch.nn.functional.nll_loss}: input {@code (C)} or
 * {@code (N, C, d1..dK)}, target int64 class indices of shape {@code ()} or {@code (N, d1..dK)};
 * {@code l = -w[t] * input[t]} (0 where {@code t == ignoreIndex}). {@code mean} divides the sum by
 * {@code sum w[t]} over the positions not ignored (NaN when that is 0 or there are none).
 * Options: {@code weight} (default all 1), {@code ignoreIndex} (any integer, default -100),
 * {@code reduction} (default {@code mean}). Gradient: input ({@code -w[t]} at the target class, else 0).
 */
public final class NllLoss implements io.losscl.ReducibleLoss {
    /** The {@code torch.nn.functional} name. */
    public static final String NAME = "nll_loss";
    private final HostTensor weight;
    private final long ignoreIndex;
    private final Reduction reduction;

    private NllLoss(HostTensor weight, long ignoreIndex, Reduction reduction) {
        if (reduction == null || reduction == Reduction.BATCHMEAN) {
            throw Checks.invalid(NAME, "reduction " + reduction + " is not valid; expected 'none', 'mean' or 'sum'");
        }
        if (weight != null && weight.shape().rank() != 1) throw Checks.invalid(NAME, "weight must be 1-D, got shape " + weight.shape());
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
        this.reduction = reduction;
    }

    /** nll_loss with the given options ({@code weight} may be {@code null}: all ones). */
    public static NllLoss of(HostTensor weight, long ignoreIndex, Reduction reduction) { return new NllLoss(weight, ignoreIndex, reduction); }

    /** nll_loss with the given reduction, no weights and ignore_index -100. */
    public static NllLoss of(Reduction reduction) { return new NllLoss(null, -100, reduction); }

    /** From PyTorch-style options: {@code weight}, {@code ignore_index}, {@code reduction}. */
    public static NllLoss fromOptions(Options o) {
        o.allowOnly("weight", "ignore_index", "reduction");
        return of(o.tensor("weight"), o.integer("ignore_index", -100), o.reduction(Reduction.MEAN, false));
    }

    /** Class weights, or {@code null} for all ones. */
    public HostTensor weight() { return weight; }
    /** The target value whose positions are ignored (default -100). */
    public long ignoreIndex() { return ignoreIndex; }
    /** The reduction (default {@code mean}). */
    @Override public Reduction reduction() { return reduction; }

    @Override public NllLoss withReduction(Reduction r) { return of(weight, ignoreIndex, r); }

    /** mean divides by the weights of the targets not ignored. */
    @Override
    public void addDenominator(LossInputs slice, io.losscl.ExactSum denominator) {
        if (reduction == Reduction.MEAN) ClassTargets.addTargetWeights(slice.get("target"), weight, ignoreIndex, denominator);
    }

    @Override public String name() { return NAME; }

    @Override public List<String> inputNames() { return List.of("input", "target"); }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor input = Checks.floating(NAME, inputs, "input");
        Tensor target = Checks.int64(NAME, inputs, "target");
        Shape perPosition = ClassTargets.checkShapes(NAME, input, target);
        long classes = ClassRows.classDim1(input.shape()).classes();
        ClassTargets.checkWeight(NAME, weight, classes);
        ClassTargets.checkValues(NAME, target, classes, ignoreIndex);
        return reduction == Reduction.NONE ? perPosition : Shape.scalar();
    }

    @Override
    public String toString() {
        return NAME + "(weight=" + (weight == null ? "none" : weight.shape().toString()) + ", ignore_index=" + ignoreIndex + ", reduction=" + reduction + ")";
    }
}
