package io.losscl.loss;

import io.losscl.HostTensor;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Tensor;

/**
 * Binary cross-entropy of probabilities, {@code torch.nn.functional.binary_cross_entropy}:
 * <pre>
 *   l_i = -w_i (y_i max(log x_i, -100) + (1 - y_i) max(log(1 - x_i), -100))
 * </pre>
 * then reduced ({@code mean} by default: the sum divided by the number of elements). Each log is
 * clamped at -100, as PyTorch does, so {@code x = 0} or {@code 1} gives a finite loss.
 * <ul>
 *   <li>{@code input}: probabilities, every element in [0, 1] (NaN is rejected, as in PyTorch);</li>
 *   <li>{@code target}: the input's shape and dtype; any real value is accepted (PyTorch does not check);</li>
 *   <li>{@code weight}: optional, broadcast against the input (e.g. shape {@code [C]} or {@code [N, 1]}),
 *       must not enlarge it.</li>
 * </ul>
 * Gradients, as PyTorch computes them: {@code d/dx = w (x - y) / max((1 - x) x, 1e-12)} and
 * {@code d/dy = -w logit(x) = w (log(1 - x) - log x)} (unclamped).
 */
public final class BinaryCrossEntropyLoss extends BinaryCrossEntropyFamily {
    private BinaryCrossEntropyLoss(Reduction reduction, HostTensor weight) { super(reduction, weight); }

    /** A builder: {@code BinaryCrossEntropyLoss.builder().weight(w).reduction(Reduction.SUM).build()}. */
    public static Builder builder() { return new Builder(); }

    /** binary_cross_entropy with every default (no weight, {@code mean}). */
    public static BinaryCrossEntropyLoss mean() { return builder().build(); }

    /** From PyTorch-style options: {@code weight}, {@code reduction}. */
    public static BinaryCrossEntropyLoss fromOptions(Options o) {
        o.allowOnly("weight", "reduction");
        return builder().weight(o.tensor("weight")).reduction(o.reduction(Reduction.MEAN, false)).build();
    }

    @Override public String name() { return "binary_cross_entropy"; }

    @Override public boolean logits() { return false; }

    @Override
    void validateValues(Tensor input) {
        if (!(input instanceof HostTensor)) return;
        HostTensor h = (HostTensor) input;
        int n = h.shape().numelInt();
        for (int i = 0; i < n; i++) {
            double v = h.getDouble(i);
            if (!(v >= 0 && v <= 1)) {
                throw Checks.invalid(name(), "input " + v + " at index " + Checks.index(h.shape(), i)
                        + " is outside [0, 1] (all elements of input should be between 0 and 1)");
            }
        }
    }

    @Override public BinaryCrossEntropyLoss withReduction(Reduction r) { return new BinaryCrossEntropyLoss(r, weight()); }

    /** Builds a {@link BinaryCrossEntropyLoss}; defaults: no weight, reduction {@code mean}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private HostTensor weight;

        private Builder() {}

        /** Per-element rescaling weight broadcast against the input; {@code null} for none. */
        public Builder weight(HostTensor weight) { this.weight = weight; return this; }

        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** The loss with these options. */
        public BinaryCrossEntropyLoss build() { return new BinaryCrossEntropyLoss(reduction, weight); }
    }
}
