package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;

/**
 * Huber loss, {@code torch.nn.functional.huber_loss}: with {@code z = |x - y|},
 * {@code l = 0.5 z^2} where {@code z < delta}, else {@code delta (z - 0.5 delta)}; then reduced.
 * Quadratic near zero, linear (slope {@code delta}) beyond.
 *
 * <p>Gradient {@code d/dx = clamp(x - y, -delta, delta)}; the target's is the same function of
 * {@code y - x}, as PyTorch. Inputs {@code input} and {@code target} broadcast together; an int64
 * target is promoted; float32 and float64 do not mix (PyTorch's kernel rejects that).
 *
 * <p>Options: {@code delta} (default 1.0, must be {@code > 0}), {@code reduction} (default
 * {@code mean}). {@code HuberLoss.builder().delta(0.5).reduction(Reduction.SUM).build()}.
 */
public final class HuberLoss extends PairwiseElementwiseLoss {
    private final double delta;

    private HuberLoss(Reduction reduction, double delta) {
        super(reduction);
        if (!(delta > 0)) throw Checks.invalid(name(), "delta " + delta + " is not positive (huber_loss does not support non-positive values for delta)");
        this.delta = delta;
    }

    /** A builder with PyTorch's defaults: {@code delta = 1.0}, reduction {@code mean}. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code reduction}, {@code delta}. */
    public static HuberLoss fromOptions(Options o) {
        o.allowOnly("reduction", "delta");
        return new HuberLoss(o.reduction(Reduction.MEAN, false), o.number("delta", 1.0));
    }

    @Override public String name() { return "huber_loss"; }

    @Override public HuberLoss withReduction(Reduction r) { return new HuberLoss(r, delta); }

    /** The threshold between the quadratic and the linear part. */
    public double delta() { return delta; }

    @Override public double[] parameters() { return new double[] {delta}; }

    @Override protected boolean promotesFloatDtypes() { return false; }

    @Override protected String describeOptions() { return "delta=" + delta; }

    /** Builds a {@link HuberLoss}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private double delta = 1.0;

        private Builder() {}

        /** Default {@code mean}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Default 1.0; must be {@code > 0}. */
        public Builder delta(double delta) { this.delta = delta; return this; }

        /** @throws io.losscl.InvalidArgumentException when {@code delta <= 0} or NaN */
        public HuberLoss build() { return new HuberLoss(reduction, delta); }
    }
}
