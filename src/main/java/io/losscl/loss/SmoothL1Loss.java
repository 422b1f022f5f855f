package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;

/**
 * Smooth L1 loss, {@code torch.nn.functional.smooth_l1_loss}: with {@code z = |x - y|},
 * {@code l = 0.5 z^2 / beta} where {@code z < beta}, else {@code z - 0.5 beta}; then reduced.
 * {@code beta = 0} is exactly {@code l1_loss}. (Huber loss divided by {@code beta}.)
 *
 * <p>Gradient, as PyTorch's kernel: with {@code d = x - y}, {@code -1} where {@code d <= -beta},
 * {@code 1} where {@code d >= beta}, else {@code d / beta}; the target's is the same function of
 * {@code y - x} (so with {@code beta = 0} both are {@code -1} where {@code x == y}, as in PyTorch).
 * Inputs broadcast together; an int64 target is promoted, as are mixed floating dtypes.
 *
 * <p>Options: {@code beta} (default 1.0, must be {@code >= 0}), {@code reduction} (default
 * {@code mean}). {@code SmoothL1Loss.builder().beta(0.5).build()}.
 */
public final class SmoothL1Loss extends PairwiseElementwiseLoss {
    private final double beta;

    private SmoothL1Loss(Reduction reduction, double beta) {
        super(reduction);
        if (!(beta >= 0)) throw Checks.invalid(name(), "beta " + beta + " is negative (smooth_l1_loss does not support negative values for beta)");
        this.beta = beta;
    }

    /** A builder with PyTorch's defaults: {@code beta = 1.0}, reduction {@code mean}. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code reduction}, {@code beta}. */
    public static SmoothL1Loss fromOptions(Options o) {
        o.allowOnly("reduction", "beta");
        return new SmoothL1Loss(o.reduction(Reduction.MEAN, false), o.number("beta", 1.0));
    }

    @Override public String name() { return "smooth_l1_loss"; }

    @Override public SmoothL1Loss withReduction(Reduction r) { return new SmoothL1Loss(r, beta); }

    /** The threshold between the quadratic and the linear part; 0 makes it l1. */
    public double beta() { return beta; }

    @Override public double[] parameters() { return new double[] {beta}; }

    @Override protected String describeOptions() { return "beta=" + beta; }

    /** Builds a {@link SmoothL1Loss}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private double beta = 1.0;

        private Builder() {}

        /** Default {@code mean}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Default 1.0; must be {@code >= 0} ({@code 0}: l1 loss). */
        public Builder beta(double beta) { this.beta = beta; return this; }

        /** @throws io.losscl.InvalidArgumentException when {@code beta < 0} or NaN */
        public SmoothL1Loss build() { return new SmoothL1Loss(reduction, beta); }
    }
}
