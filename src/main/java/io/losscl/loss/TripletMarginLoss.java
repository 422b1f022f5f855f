package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;

/**
 * Triplet margin loss, {@code torch.nn.functional.triplet_margin_loss}: per row of the last dimension
 * <pre>
 *   l = max(0, margin + d(a, p) - d(a, n)),   d(x1, x2) = ||x1 - x2 + eps||_p
 * </pre>
 * and with {@code swap} the negative distance is {@code min(d(a, n), d(p, n))}; then reduced.
 * <ul>
 *   <li>{@code anchor}, {@code positive}, {@code negative}: floating tensors of the same rank that
 *       broadcast together, e.g. {@code (N, D)} or unbatched {@code (D)}.</li>
 *   <li>{@code margin}: default 1 (PyTorch does not check its sign).</li>
 *   <li>{@code p}: the norm's order, default 2; any real (1 and 2 are the fast cases, {@code inf} is the max norm).</li>
 *   <li>{@code eps}: default 1e-6, added to the difference before the norm.</li>
 *   <li>{@code swap}: default false.</li>
 *   <li>{@code reduction}: {@code mean} (default), {@code sum} or {@code none} (output {@code (N)}).</li>
 * </ul>
 * Usage: {@code TripletMarginLoss.builder().margin(1).p(2).swap(true).build()}.
 */
public final class TripletMarginLoss extends TripletLoss {
    /** The {@code torch.nn.functional} name. */
    public static final String NAME = "triplet_margin_loss";
    private final double p;
    private final double eps;

    private TripletMarginLoss(Builder b) {
        super(b.margin, b.swap, b.reduction);
        if (Double.isNaN(b.p)) throw Checks.invalid(NAME, "p must be a number, got nan");
        this.p = b.p;
        this.eps = b.eps;
    }

    /** A builder with PyTorch's defaults. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code margin}, {@code p}, {@code eps}, {@code swap}, {@code reduction}. */
    public static TripletMarginLoss fromOptions(Options o) {
        o.allowOnly("margin", "p", "eps", "swap", "reduction");
        return builder().margin(o.number("margin", 1.0)).p(o.number("p", 2.0)).eps(o.number("eps", 1e-6))
                .swap(o.bool("swap", false)).reduction(o.reduction(Reduction.MEAN, false)).build();
    }

    @Override public String name() { return NAME; }
    @Override public Distance distance() { return Distance.PAIRWISE; }
    @Override public double p() { return p; }
    @Override public double eps() { return eps; }
    @Override boolean sameRank() { return true; }

    @Override public TripletMarginLoss withReduction(Reduction r) { return builder().margin(margin()).p(p).eps(eps).swap(swap()).reduction(r).build(); }

    @Override
    public String toString() {
        return NAME + "(margin=" + margin() + ", p=" + p + ", eps=" + eps + ", swap=" + swap() + ", reduction=" + reduction() + ")";
    }

    /** Builder of {@link TripletMarginLoss} with PyTorch's defaults. */
    public static final class Builder {
        private double margin = 1.0, p = 2.0, eps = 1e-6;
        private boolean swap;
        private Reduction reduction = Reduction.MEAN;
        private Builder() {}
        /** Default 1. */
        public Builder margin(double margin) { this.margin = margin; return this; }
        /** Norm order, default 2. */
        public Builder p(double p) { this.p = p; return this; }
        /** Added to the difference, default 1e-6. */
        public Builder eps(double eps) { this.eps = eps; return this; }
        /** Default false. */
        public Builder swap(boolean swap) { this.swap = swap; return this; }
        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }
        /** The loss with these options. */
        public TripletMarginLoss build() { return new TripletMarginLoss(this); }
    }
}
