package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;

/**
 * Mean squared error, {@code torch.nn.functional.mse_loss}: {@code l_i = (x_i - y_i)^2}, then reduced.
 * Inputs {@code input} and {@code target} broadcast together (an int64 target is promoted); both are
 * differentiable ({@code d/dx = 2 (x - y)}). Default reduction {@code mean}.
 */
public final class MseLoss extends PairwiseElementwiseLoss {
    private MseLoss(Reduction reduction) { super(reduction); }

    /** mse_loss with the given reduction. */
    public static MseLoss of(Reduction reduction) { return new MseLoss(reduction); }

    @Override public MseLoss withReduction(Reduction r) { return of(r); }

    /** mse_loss with the default {@code mean} reduction. */
    public static MseLoss mean() { return of(Reduction.MEAN); }

    /** From PyTorch-style options: {@code reduction}. */
    public static MseLoss fromOptions(Options o) {
        o.allowOnly("reduction");
        return of(o.reduction(Reduction.MEAN, false));
    }

    @Override public String name() { return "mse_loss"; }

    /** PyTorch's mse kernel rejects float32 with float64 ("Found dtype Double but expected Float"). */
    @Override protected boolean promotesFloatDtypes() { return false; }
}
