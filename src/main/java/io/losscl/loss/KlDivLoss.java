package io.losscl.loss;

import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import java.util.List;

/**
 * Kullback-Leibler divergence, {@code torch.nn.functional.kl_div}, with {@code input} holding
 * log-probabilities: pointwise {@code l = t * (log t - x)} (0 where {@code t == 0}, PyTorch's xlogy
 * convention; NaN for {@code t < 0}), or {@code l = exp(t) * (t - x)} when {@code logTarget}.
 * Input and target broadcast against each other. Reductions: {@code none}, {@code mean} (default, over all
 * elements), {@code sum}, {@code batchmean} (the sum divided by the input's first dimension, 1 for a 0-dim
 * input; the mathematically correct KL). Gradients: {@code d/dx = -t} (or {@code -exp(t)}),
 * {@code d/dt = log t + 1 - x} (or {@code exp(t) (t - x + 1)}).
 */
public final class KlDivLoss extends AbstractElementwiseLoss {
    /** The {@code torch.nn.functional} name. */
    public static final String NAME = "kl_div";
    private final boolean logTarget;

    private KlDivLoss(Reduction reduction, boolean logTarget) {
        super(requireReduction(reduction));
        this.logTarget = logTarget;
    }

    private static Reduction requireReduction(Reduction reduction) {
        if (reduction == null) throw Checks.invalid(NAME, "reduction must be given");
        return reduction;
    }

    /** kl_div with the given reduction and target convention. */
    public static KlDivLoss of(Reduction reduction, boolean logTarget) { return new KlDivLoss(reduction, logTarget); }

    /** kl_div with {@code batchmean} reduction and probability targets: the true KL divergence per sample. */
    public static KlDivLoss batchmean() { return of(Reduction.BATCHMEAN, false); }

    /** From PyTorch-style options: {@code reduction} (incl. {@code batchmean}), {@code log_target}. */
    public static KlDivLoss fromOptions(Options o) {
        o.allowOnly("reduction", "log_target");
        return of(o.reduction(Reduction.MEAN, true), o.bool("log_target", false));
    }

    @Override protected boolean allowsBatchmean() { return true; }

    /** PyTorch's kl_div takes no integral tensors. */
    @Override protected boolean acceptsInt64(String name) { return false; }

    /** Whether the target is given as log-probabilities (default false). */
    public boolean logTarget() { return logTarget; }

    @Override public KlDivLoss withReduction(Reduction r) { return of(r, logTarget); }

    /** batchmean divides by the input's first dimension: not splittable where a broadcast input has none of the batch. */
    @Override
    public boolean splittable(LossInputs inputs) {
        Shape in = inputs.get("input").shape();
        return reduction() != Reduction.BATCHMEAN || batchRows(inputs) == (in.rank() == 0 ? 1 : in.dim(0));
    }

    /** batchmean divides by the input's first dimension (1 for a 0-dim input), summed over the slices; mean by the element count. */
    @Override
    public void addDenominator(LossInputs slice, io.losscl.ExactSum denominator) {
        if (reduction() == Reduction.BATCHMEAN) {
            Shape in = slice.get("input").shape();
            denominator.add(in.rank() == 0 ? 1 : in.dim(0));
        } else if (reduction() == Reduction.MEAN) {
            denominator.add(elementShape(slice).numel());
        }
    }

    @Override public double[] parameters() { return new double[] {logTarget ? 1 : 0}; }

    /** batchmean: 1 / input.size(0) (1 for a 0-dim input); mean: 1 / numel; otherwise 1. */
    @Override
    public double reductionScale(Shape input, long numel) {
        switch (reduction()) {
            case MEAN: return 1.0 / numel;
            case BATCHMEAN: return 1.0 / (input.rank() == 0 ? 1 : input.dim(0));
            default: return 1.0;
        }
    }

    /** batchmean divides by the input's first dimension (not the broadcast shape's), as PyTorch does. */
    @Override
    public double reductionScale(LossInputs inputs, Shape elementShape, long n) {
        return reductionScale(reduction() == Reduction.BATCHMEAN ? inputs.get("input").shape() : elementShape, n);
    }

    @Override public String name() { return NAME; }

    @Override public List<String> inputNames() { return List.of("input", "target"); }

    @Override protected String describeOptions() { return "log_target=" + logTarget; }
}
