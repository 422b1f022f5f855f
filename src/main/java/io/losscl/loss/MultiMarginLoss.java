package io.losscl.loss;

import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * Multi-class hinge loss, {@code torch.nn.functional.multi_margin_loss}. For a row {@code x} of
 * {@code C} scores and its class {@code y}:
 * <pre>
 *   l = sum_{i != y} w[y] * max(0, margin - x[y] + x[i])^p / C
 * </pre>
 * then reduced over the rows ({@code mean} divides by the number of rows).
 * <ul>
 *   <li>{@code input}: {@code (N, C)} with {@code C > 0}, {@code (C)} or a scalar; floating.</li>
 *   <li>{@code target}: int64 class indices in {@code [0, C)}, {@code (N)} (or {@code (1)} / scalar for an unbatched input).</li>
 *   <li>{@code p}: 1 (default) or 2; any other value is an error, as in PyTorch.</li>
 *   <li>{@code margin}: any real, default 1.</li>
 *   <li>{@code weight}: optional one-dimensional per-class weight, indexed by the target class; same dtype as input.</li>
 *   <li>{@code reduction}: {@code mean} (default), {@code sum} or {@code none} (output {@code (N)}, or a scalar for a scalar target).</li>
 * </ul>
 * Differentiable with respect to {@code input}.
 */
public final class MultiMarginLoss implements io.losscl.ReducibleLoss {
    /** The {@code torch.nn.functional} name. */
    public static final String NAME = "multi_margin_loss";
    private final int p;
    private final double margin;
    private final HostTensor weight;
    private final Reduction reduction;

    private MultiMarginLoss(Builder b) {
        if (b.p != 1 && b.p != 2) throw Checks.invalid(NAME, "only p == 1 and p == 2 supported, got p = " + b.p);
        if (b.weight != null && b.weight.shape().rank() != 1) {
            throw Checks.invalid(NAME, "weight must be one-dimensional, got shape " + b.weight.shape());
        }
        if (b.weight != null && !b.weight.dtype().isFloating()) {
            throw Checks.invalid(NAME, "weight must be a floating-point tensor, got " + b.weight.dtype());
        }
        this.p = (int) b.p;
        this.margin = b.margin;
        this.weight = b.weight;
        this.reduction = RowLosses.noBatchmean(NAME, b.reduction);
    }

    /** A builder with PyTorch's defaults: p = 1, margin = 1, no weight, reduction mean. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code p}, {@code margin}, {@code weight}, {@code reduction}. */
    public static MultiMarginLoss fromOptions(Options o) {
        o.allowOnly("p", "margin", "weight", "reduction");
        return builder().p(o.number("p", 1)).margin(o.number("margin", 1.0)).weight(o.tensor("weight"))
                .reduction(o.reduction(Reduction.MEAN, false)).build();
    }

    @Override public String name() { return NAME; }
    @Override public List<String> inputNames() { return List.of("input", "target"); }

    /** The exponent, 1 or 2. */
    public int p() { return p; }
    /** The margin (default 1). */
    public double margin() { return margin; }
    /** The per-class weight, or {@code null}. */
    public HostTensor weight() { return weight; }
    /** The reduction (default {@code mean}). */
    @Override public Reduction reduction() { return reduction; }

    @Override public MultiMarginLoss withReduction(Reduction r) { return builder().p(p).margin(margin).weight(weight).reduction(r).build(); }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor input = Checks.floating(NAME, inputs, "input");
        Tensor target = Checks.int64(NAME, inputs, "target");
        RowLosses.vectorOrMatrix(NAME, input);
        long n = RowLosses.frames(input.shape()), c = RowLosses.classes(input.shape());
        if (target.shape().rank() > 1 || target.numel() != n) {
            throw Checks.invalid(NAME, "inconsistent target size, got: " + target.shape() + " (expected " + n + " class indices)");
        }
        if (weight != null && weight.dtype() != input.dtype()) {
            throw Checks.invalid(NAME, "weight is " + weight.dtype() + " but input is " + input.dtype() + "; they must have the same dtype");
        }
        if (target instanceof HostTensor) {
            HostTensor t = (HostTensor) target;
            for (int i = 0; i < t.numel(); i++) {
                long y = t.getLong(i);
                if (y < 0 || y >= c) {
                    throw Checks.invalid(NAME, "target " + y + " at index " + Checks.index(t.shape(), i) + " is out of range [0, " + c + ")");
                }
                if (weight != null && y >= weight.numel()) {
                    throw Checks.invalid(NAME, "target " + y + " at index " + Checks.index(t.shape(), i)
                            + " has no weight (weight has " + weight.numel() + " elements)");
                }
            }
        }
        return reduction == Reduction.NONE && target.shape().rank() > 0 ? Shape.of(n) : Shape.scalar();
    }

    @Override
    public String toString() {
        return NAME + "(p=" + p + ", margin=" + margin + ", weight=" + (weight == null ? "None" : weight.shape()) + ", reduction=" + reduction + ")";
    }

    /** Builder of {@link MultiMarginLoss}; {@link #build()} checks the options. */
    public static final class Builder {
        private double p = 1;
        private double margin = 1.0;
        private HostTensor weight;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {}

        /** 1 (default) or 2. */
        public Builder p(double p) { this.p = p; return this; }
        /** Default 1. */
        public Builder margin(double margin) { this.margin = margin; return this; }
        /** One-dimensional per-class weight, or {@code null} (default) for none. */
        public Builder weight(HostTensor weight) { this.weight = weight; return this; }
        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }
        /** The loss with these options. */
        public MultiMarginLoss build() { return new MultiMarginLoss(this); }
    }
}
