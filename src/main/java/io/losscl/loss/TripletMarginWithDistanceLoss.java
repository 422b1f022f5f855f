package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;

/**
 * {@code torch.nn.functional.triplet_margin_with_distance_loss} with one of two distance functions:
 * <pre>
 *   l = max(0, margin + d(a, p) - d(a, n))      (swap: d(a, n) -> min(d(a, n), d(p, n)))
 *   PAIRWISE: d(x1, x2) = ||x1 - x2 + 1e-6||_2        (F.pairwise_distance, the default)
 *   COSINE:   d(x1, x2) = 1 - x1.x2 / (max(||x1||, 1e-8) max(||x2||, 1e-8))   over the last dimension
 * </pre>
 * <ul>
 *   <li>{@code anchor}, {@code positive}, {@code negative}: floating, broadcast together (PyTorch 1.13 does not require equal ranks here).</li>
 *   <li>{@code distance_function}: {@code "pairwise_distance"} (default) or {@code "cosine_distance"}.</li>
 *   <li>{@code margin}: default 1. {@code swap}: default false.</li>
 *   <li>{@code reduction}: {@code mean} (default), {@code sum} or {@code none}.</li>
 * </ul>
 * Usage: {@code TripletMarginWithDistanceLoss.builder().distance(Distance.COSINE).swap(true).build()}.
 */
public final class TripletMarginWithDistanceLoss extends TripletLoss {
    /** The {@code torch.nn.functional} name. */
    public static final String NAME = "triplet_margin_with_distance_loss";
    private final Distance distance;

    private TripletMarginWithDistanceLoss(Builder b) {
        super(b.margin, b.swap, b.reduction);
        if (b.distance == null) throw new io.losscl.InvalidArgumentException(NAME + ": distance must not be null");
        this.distance = b.distance;
    }

    /** A builder with PyTorch's defaults. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code distance_function}, {@code margin}, {@code swap}, {@code reduction}. */
    public static TripletMarginWithDistanceLoss fromOptions(Options o) {
        o.allowOnly("distance_function", "margin", "swap", "reduction");
        String d = o.string("distance_function", "pairwise_distance");
        Distance dist;
        switch (d) {
            case "pairwise_distance": dist = Distance.PAIRWISE; break;
            case "cosine_distance": dist = Distance.COSINE; break;
            default: throw Checks.invalid(NAME, "option 'distance_function' is '" + d + "', expected 'pairwise_distance' or 'cosine_distance'");
        }
        return builder().distance(dist).margin(o.number("margin", 1.0)).swap(o.bool("swap", false))
                .reduction(o.reduction(Reduction.MEAN, false)).build();
    }

    @Override public String name() { return NAME; }
    @Override public Distance distance() { return distance; }
    @Override public double p() { return 2.0; }
    @Override public double eps() { return 1e-6; }
    @Override boolean sameRank() { return false; }

    @Override public TripletMarginWithDistanceLoss withReduction(Reduction r) { return builder().distance(distance).margin(margin()).swap(swap()).reduction(r).build(); }

    @Override
    public String toString() {
        return NAME + "(distance=" + distance + ", margin=" + margin() + ", swap=" + swap() + ", reduction=" + reduction() + ")";
    }

    /** Builder of {@link TripletMarginWithDistanceLoss} with PyTorch's defaults. */
    public static final class Builder {
        private Distance distance = Distance.PAIRWISE;
        private double margin = 1.0;
        private boolean swap;
        private Reduction reduction = Reduction.MEAN;
        private Builder() {}
        /** Default {@link Distance#PAIRWISE}. */
        public Builder distance(Distance distance) { this.distance = distance; return this; }
        /** Default 1. */
        public Builder margin(double margin) { this.margin = margin; return this; }
        /** Default false. */
        public Builder swap(boolean swap) { this.swap = swap; return this; }
        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }
        /** The loss with these options. */
        public TripletMarginWithDistanceLoss build() { return new TripletMarginWithDistanceLoss(this); }
    }
}
