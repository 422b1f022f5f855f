package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;
import java.util.Set;

/**
 * Soft margin loss, {@code torch.nn.functional.soft_margin_loss}: two-class logistic loss
 * {@code l = log(1 + exp(-y x))} for targets {@code y} (usually +1 or -1; other values are used
 * as given, as PyTorch), then reduced.
 *
 * <p>Gradient {@code d/dx = -y e / (1 + e)} with {@code e = exp(-y x)}, PyTorch's formula (NaN where
 * {@code e} overflows, as PyTorch). Asking for the target's gradient is an error, as in PyTorch. Inputs broadcast
 * together; an int64 target is promoted. Option: {@code reduction} (default {@code mean}).
 */
public final class SoftMarginLoss extends PairwiseElementwiseLoss {
    private SoftMarginLoss(Reduction reduction) { super(reduction); }

    /** soft_margin_loss with the given reduction. */
    public static SoftMarginLoss of(Reduction reduction) { return new SoftMarginLoss(reduction); }

    @Override public SoftMarginLoss withReduction(Reduction r) { return of(r); }

    /** soft_margin_loss with the default {@code mean} reduction. */
    public static SoftMarginLoss mean() { return of(Reduction.MEAN); }

    /** From PyTorch-style options: {@code reduction}. */
    public static SoftMarginLoss fromOptions(Options o) {
        o.allowOnly("reduction");
        return of(o.reduction(Reduction.MEAN, false));
    }

    @Override public String name() { return "soft_margin_loss"; }

    /** As PyTorch: "soft_margin_loss is not differentiable with respect to argument 'target'". */
    @Override
    public void checkGradients(Set<String> grads) {
        if (grads.contains("target")) throw Checks.invalid(name(), "not differentiable with respect to argument 'target' (as in PyTorch)");
    }
}
