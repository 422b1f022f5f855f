package io.losscl.loss;

import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.Options;
import io.losscl.Reduction;

/**
 * Binary cross-entropy of logits, {@code torch.nn.functional.binary_cross_entropy_with_logits}, in
 * PyTorch's numerically stable form (finite for logits of any finite size, e.g. +-1e4):
 * <pre>
 *   m_i  = max(-x_i, 0)
 *   sp_i = log(exp(-m_i) + exp(-x_i - m_i)) + m_i             (= softplus(-x_i) = -log sigmoid(x_i))
 *   l_i  = w_i ((1 - y_i) x_i + (1 + (p_i - 1) y_i) sp_i)
 * </pre>
 * then reduced ({@code mean} by default: the sum divided by the number of elements).
 * <ul>
 *   <li>{@code input}: logits; {@code target}: the input's shape and dtype (any real value);</li>
 *   <li>{@code weight}: optional, broadcast against the input, must not enlarge it;</li>
 *   <li>{@code pos_weight} ({@code p}): optional weight of positive examples, broadcast against the input
 *       (typically shape {@code [C]}, the last, class dimension), must not enlarge it; any real value.</li>
 * </ul>
 * Gradients, as PyTorch computes them: {@code d/dx = w ((1 + (p - 1) y) sigmoid(x) - p y)} and
 * {@code d/dy = w (log sigmoid(-x) - p log sigmoid(x))} ({@code -w x} without pos_weight).
 */
public final class BinaryCrossEntropyWithLogitsLoss extends BinaryCrossEntropyFamily {
    private final HostTensor posWeight;

    private BinaryCrossEntropyWithLogitsLoss(Reduction reduction, HostTensor weight, HostTensor posWeight) {
        super(reduction, weight);
        if (posWeight != null && !posWeight.dtype().isFloating()) {
            throw new InvalidArgumentException(name() + ": pos_weight must be a floating-point tensor, got " + posWeight.dtype());
        }
        this.posWeight = posWeight;
    }

    /** A builder: {@code BinaryCrossEntropyWithLogitsLoss.builder().posWeight(pw).build()}. */
    public static Builder builder() { return new Builder(); }

    /** binary_cross_entropy_with_logits with every default (no weights, {@code mean}). */
    public static BinaryCrossEntropyWithLogitsLoss mean() { return builder().build(); }

    /** From PyTorch-style options: {@code weight}, {@code pos_weight}, {@code reduction}. */
    public static BinaryCrossEntropyWithLogitsLoss fromOptions(Options o) {
        o.allowOnly("weight", "pos_weight", "reduction");
        return builder().weight(o.tensor("weight")).posWeight(o.tensor("pos_weight"))
                .reduction(o.reduction(Reduction.MEAN, false)).build();
    }

    @Override public String name() { return "binary_cross_entropy_with_logits"; }

    @Override public boolean logits() { return true; }

    @Override public HostTensor posWeight() { return posWeight; }

    @Override public BinaryCrossEntropyWithLogitsLoss withReduction(Reduction r) { return new BinaryCrossEntropyWithLogitsLoss(r, weight(), posWeight); }

    /** Builds a {@link BinaryCrossEntropyWithLogitsLoss}; defaults: no weight, no pos_weight, {@code mean}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private HostTensor weight;
        private HostTensor posWeight;

        private Builder() {}

        /** Per-element rescaling weight broadcast against the input; {@code null} for none. */
        public Builder weight(HostTensor weight) { this.weight = weight; return this; }

        /** Weight of positive examples broadcast against the input (usually one per class); {@code null} for none. */
        public Builder posWeight(HostTensor posWeight) { this.posWeight = posWeight; return this; }

        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** The loss with these options. */
        public BinaryCrossEntropyWithLogitsLoss build() { return new BinaryCrossEntropyWithLogitsLoss(reduction, weight, posWeight); }
    }
}
