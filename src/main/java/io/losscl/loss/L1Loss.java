package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;

/**
 * Mean absolute error, {@code torch.nn.functional.l1_loss}: {@code l_i = |x_i - y_i|}, then reduced.
 * Inputs {@code input} and {@code target} broadcast together (an int64 target is promoted, mixed
 * floating dtypes promote to the wider); the gradient is {@code sign(x - y)}
 * (0 where they are equal, as PyTorch). Default reduction {@code mean}.
 */
public final class L1Loss extends PairwiseElementwiseLoss {
    private L1Loss(Reduction reduction) { super(reduction); }

    /** l1_loss with the given reduction. */
    public static L1Loss of(Reduction reduction) { return new L1Loss(reduction); }

    @Override public L1Loss withReduction(Reduction r) { return of(r); }

    /** From PyTorch-style options: {@code reduction}. */
    public static L1Loss fromOptions(Options o) {
        o.allowOnly("reduction");
        return of(o.reduction(Reduction.MEAN, false));
    }

    @Override public String name() { return "l1_loss"; }
}
