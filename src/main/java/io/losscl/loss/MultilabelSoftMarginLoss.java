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
 * Multi-label one-versus-all logistic loss, {@code torch.nn.functional.multilabel_soft_margin_loss}:
 * <pre>
 *   e_i = -w_i * (y_i * log sigmoid(x_i) + (1 - y_i) * log sigmoid(-x_i))
 *   l   = sum_i e_i / C          (over the class dimension, the input's last; C its size)
 * </pre>
 * then reduced. {@code input}, {@code target} and {@code weight} broadcast together (PyTorch's rules);
 * the class dimension is the input's last dimension.
 * <ul>
 *   <li>{@code input}: floating, at least one dimension, e.g. {@code (N, C)} or {@code (C)}.</li>
 *   <li>{@code target}: 0/1 labels (or any real in [0, 1]), broadcastable to the input.</li>
 *   <li>{@code weight}: optional, broadcastable (typically {@code (C)}).</li>
 *   <li>{@code reduction}: {@code mean} (default), {@code sum}, {@code none} (the shape without the class dimension).</li>
 * </ul>
 * Differentiable with respect to {@code input} ({@code w (sigmoid(x) - y) / C}) and a floating
 * {@code target} ({@code -w x / C}).
 */
public final class MultilabelSoftMarginLoss implements io.losscl.ReducibleLoss {
    /** The {@code torch.nn.functional} name. */
    public static final String NAME = "multilabel_soft_margin_loss";
    private final HostTensor weight;
    private final Reduction reduction;

    private MultilabelSoftMarginLoss(HostTensor weight, Reduction reduction) {
        if (weight != null && !weight.dtype().isFloating()) throw Checks.invalid(NAME, "weight must be a floating-point tensor, got " + weight.dtype());
        this.weight = weight;
        this.reduction = RowLosses.noBatchmean(NAME, reduction);
    }

    /** A builder with PyTorch's defaults: no weight, reduction mean. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code weight}, {@code reduction}. */
    public static MultilabelSoftMarginLoss fromOptions(Options o) {
        o.allowOnly("weight", "reduction");
        return builder().weight(o.tensor("weight")).reduction(o.reduction(Reduction.MEAN, false)).build();
    }

    @Override public String name() { return NAME; }
    @Override public List<String> inputNames() { return List.of("input", "target"); }
    /** Class weights, or {@code null} for all ones. */
    public HostTensor weight() { return weight; }
    /** The reduction (default {@code mean}). */
    @Override public Reduction reduction() { return reduction; }

    @Override public boolean splittable(LossInputs inputs) { return !RowLosses.hasBatchDim(weight, inputs.get("input"), batchRows(inputs)); }

    @Override public MultilabelSoftMarginLoss withReduction(Reduction r) { return new MultilabelSoftMarginLoss(weight, r); }

    /** The broadcast shape of input, target and weight (validated inputs). */
    public Shape fullShape(LossInputs inputs) {
        Shape in = inputs.get("input").shape(), t = inputs.get("target").shape();
        return weight == null ? RowLosses.broadcast(NAME, new String[] {"input", "target"}, in, t)
                : RowLosses.broadcast(NAME, new String[] {"input", "target", "weight"}, in, t, weight.shape());
    }

    /** The dimension of {@link #fullShape} summed over: the input's last dimension. */
    public int classDim(LossInputs inputs) { return inputs.get("input").shape().rank() - 1; }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor input = Checks.floating(NAME, inputs, "input");
        Tensor target = inputs.require(NAME, "target");
        if (input.shape().rank() == 0) throw Checks.invalid(NAME, "input must have a class dimension: Dimension specified as -1 but tensor has no dimensions");
        Shape full = fullShape(inputs);
        return reduction == Reduction.NONE ? full.without(classDim(inputs)) : Shape.scalar();
    }

    @Override public String toString() { return NAME + "(weight=" + (weight == null ? "None" : weight.shape()) + ", reduction=" + reduction + ")"; }

    /** Builder of {@link MultilabelSoftMarginLoss}. */
    public static final class Builder {
        private HostTensor weight;
        private Reduction reduction = Reduction.MEAN;
        private Builder() {}
        /** Weight broadcast against the input (typically per class), or {@code null} (default). */
        public Builder weight(HostTensor weight) { this.weight = weight; return this; }
        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }
        /** The loss with these options. */
        public MultilabelSoftMarginLoss build() { return new MultilabelSoftMarginLoss(weight, reduction); }
    }
}
