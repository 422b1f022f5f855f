package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;

/**
 * Hinge embedding loss, {@code torch.nn.functional.hinge_embedding_loss}, for distances {@code x}
 * and labels {@code y}: {@code l = x} where {@code y = 1}, {@code max(0, margin - x)} where
 * {@code y = -1}; then reduced. Exactly as PyTorch computes it, a label that is neither 1 nor -1 gets
 * both terms: {@code l = [y != 1] max(0, margin - x) + [y != -1] x}.
 *
 * <p>Gradient with respect to {@code input}: {@code [y != -1] - [y != 1][margin - x >= 0]}; the
 * target only selects terms and gets no gradient. Inputs broadcast together; an int64 target is
 * promoted. Options: {@code margin} (default 1.0, any value), {@code reduction} (default {@code mean}).
 * {@code HingeEmbeddingLoss.builder().margin(2).build()}.
 */
public final class HingeEmbeddingLoss extends PairwiseElementwiseLoss {
    private final double margin;

    private HingeEmbeddingLoss(Reduction reduction, double margin) {
        super(reduction);
        this.margin = margin;
    }

    /** A builder with PyTorch's defaults: {@code margin = 1.0}, reduction {@code mean}. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code margin}, {@code reduction}. */
    public static HingeEmbeddingLoss fromOptions(Options o) {
        o.allowOnly("margin", "reduction");
        return new HingeEmbeddingLoss(o.reduction(Reduction.MEAN, false), o.number("margin", 1.0));
    }

    @Override public String name() { return "hinge_embedding_loss"; }

    @Override public HingeEmbeddingLoss withReduction(Reduction r) { return new HingeEmbeddingLoss(r, margin); }

    /** The margin of the {@code y = -1} term. */
    public double margin() { return margin; }

    @Override public double[] parameters() { return new double[] {margin}; }

    @Override protected String describeOptions() { return "margin=" + margin; }

    /** Builds a {@link HingeEmbeddingLoss}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private double margin = 1.0;

        private Builder() {}

        /** Default {@code mean}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Default 1.0; any value (PyTorch accepts negative margins). */
        public Builder margin(double margin) { this.margin = margin; return this; }

        /** The loss with these options. */
        public HingeEmbeddingLoss build() { return new HingeEmbeddingLoss(reduction, margin); }
    }
}
