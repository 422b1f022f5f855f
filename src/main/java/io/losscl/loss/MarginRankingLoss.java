package io.losscl.loss;

import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Tensor;
import java.util.List;

/**
 * Margin ranking loss, {@code torch.nn.functional.margin_ranking_loss}: for scores {@code x1},
 * {@code x2} and labels {@code y} (1: {@code x1} should rank higher, -1: {@code x2} should),
 * {@code l = max(0, -y (x1 - x2) + margin)}, then reduced.
 *
 * <p>Gradients, as PyTorch's autograd: with {@code a = [-y (x1 - x2) + margin >= 0]} (ties at the
 * clamp pass the gradient, NaN does not), {@code d/dx1 = -a y}, {@code d/dx2 = a y},
 * {@code d/dy = -a (x1 - x2)}. All three inputs must have the same number of dimensions (PyTorch's
 * rule), then broadcast together; an int64 target is promoted, as are mixed floating dtypes.
 *
 * <p>Options: {@code margin} (default 0, any value), {@code reduction} (default {@code mean}).
 * {@code MarginRankingLoss.builder().margin(0.5).build()}.
 */
public final class MarginRankingLoss extends AbstractElementwiseLoss {
    private final double margin;

    private MarginRankingLoss(Reduction reduction, double margin) {
        super(reduction);
        this.margin = margin;
    }

    /** A builder with PyTorch's defaults: {@code margin = 0}, reduction {@code mean}. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code margin}, {@code reduction}. */
    public static MarginRankingLoss fromOptions(Options o) {
        o.allowOnly("margin", "reduction");
        return new MarginRankingLoss(o.reduction(Reduction.MEAN, false), o.number("margin", 0.0));
    }

    @Override public String name() { return "margin_ranking_loss"; }

    @Override public MarginRankingLoss withReduction(Reduction r) { return new MarginRankingLoss(r, margin); }

    @Override public List<String> inputNames() { return List.of("input1", "input2", "target"); }

    /** The margin by which the preferred input should rank higher. */
    public double margin() { return margin; }

    @Override public double[] parameters() { return new double[] {margin}; }

    @Override protected boolean acceptsInt64(String name) { return name.equals("target"); }

    @Override
    protected void checkShapes(LossInputs inputs) {
        Tensor a = inputs.get("input1"), b = inputs.get("input2"), t = inputs.get("target");
        if (a.shape().rank() != b.shape().rank() || a.shape().rank() != t.shape().rank()) {
            throw Checks.invalid(name(), "all input tensors should have the same number of dimensions, got input1 of shape "
                    + a.shape() + ", input2 of shape " + b.shape() + ", target of shape " + t.shape());
        }
    }

    @Override protected String describeOptions() { return "margin=" + margin; }

    /** Builds a {@link MarginRankingLoss}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private double margin = 0.0;

        private Builder() {}

        /** Default {@code mean}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Default 0; any value. */
        public Builder margin(double margin) { this.margin = margin; return this; }

        /** The loss with these options. */
        public MarginRankingLoss build() { return new MarginRankingLoss(reduction, margin); }
    }
}
