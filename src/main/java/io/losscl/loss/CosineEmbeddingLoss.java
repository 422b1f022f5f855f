package io.losscl.loss;

import io.losscl.Broadcast;
import io.losscl.DType;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.UnsupportedFeatureException;
import java.util.List;

/**
 * Cosine embedding loss, {@code torch.nn.functional.cosine_embedding_loss}. Per row {@code n}:
 * <pre>
 *   cos_n = sum_d x1 x2 / sqrt((sum_d x1^2 + 1e-12) (sum_d x2^2 + 1e-12))
 *   l_n   = 1 - cos_n                  if y_n == 1
 *         = max(0, cos_n - margin)     if y_n == -1
 *         = 0                          for any other target value (PyTorch does not reject them)
 * </pre>
 * then reduced ({@code mean} by default, over the rows).
 * <ul>
 *   <li>{@code input1}, {@code input2}: {@code (N, D)} with a {@code (N)} target, or {@code (D)} with a
 *       scalar target; one shape and one floating dtype; both differentiable (PyTorch's autograd
 *       formulas, so a zero row gives the same huge but finite gradient);</li>
 *   <li>{@code target}: int64, or floating of the inputs' dtype; a {@code (1)} target broadcasts over the
 *       rows as in PyTorch; not differentiable;</li>
 *   <li>{@code margin}: any real, default 0 (PyTorch suggests [-1, 1]).</li>
 * </ul>
 * Not supported (an {@code unsupported} error): input1 and input2 of different but broadcastable
 * shapes, a single input row broadcast against a longer target, and a floating target of another
 * dtype than the inputs.
 */
public final class CosineEmbeddingLoss implements io.losscl.ReducibleLoss {
    /** PyTorch's EPSILON added to each squared norm. */
    public static final double EPSILON = 1e-12;

    private final double margin;
    private final Reduction reduction;

    private CosineEmbeddingLoss(double margin, Reduction reduction) {
        if (reduction == null) throw new io.losscl.InvalidArgumentException("reduction must not be null");
        if (reduction == Reduction.BATCHMEAN) throw Checks.invalid(name(), "reduction batchmean is only valid for kl_div");
        this.margin = margin;
        this.reduction = reduction;
    }

    /** A builder: {@code CosineEmbeddingLoss.builder().margin(0.5).reduction(Reduction.SUM).build()}. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code margin}, {@code reduction}. */
    public static CosineEmbeddingLoss fromOptions(Options o) {
        o.allowOnly("margin", "reduction");
        return builder().margin(o.number("margin", 0)).reduction(o.reduction(Reduction.MEAN, false)).build();
    }

    /** The margin (default 0). */
    public double margin() { return margin; }

    /** The reduction (default {@code mean}). */
    @Override public Reduction reduction() { return reduction; }

    @Override public CosineEmbeddingLoss withReduction(Reduction r) { return new CosineEmbeddingLoss(margin, r); }

    @Override public String name() { return "cosine_embedding_loss"; }

    @Override public List<String> inputNames() { return List.of("input1", "input2", "target"); }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor x1 = Checks.floating(name(), inputs, "input1");
        Tensor x2 = Checks.floating(name(), inputs, "input2");
        Tensor target = inputs.require(name(), "target");
        int td = target.shape().rank();
        if (td > 1) throw Checks.invalid(name(), "target of shape " + target.shape() + ": 0D or 1D target tensor expected, multi-target not supported");
        int want = td == 1 ? 2 : 1;
        if (x1.shape().rank() != want || x2.shape().rank() != want) {
            throw Checks.invalid(name(), td + "D target tensor expects " + want + "D input tensors, but found inputs with sizes "
                    + x1.shape() + " and " + x2.shape());
        }
        if (!x1.shape().equals(x2.shape())) {
            if (Broadcast.shapes(x1.shape(), x2.shape()) != null) {
                throw new UnsupportedFeatureException(name() + ": input1 of shape " + x1.shape() + " and input2 of shape "
                        + x2.shape() + " broadcast in PyTorch, but losscl needs them to have one shape");
            }
            Checks.sameShape(name(), "input1", x1, "input2", x2);
        }
        Checks.sameDtype(name(), "input1", x1, "input2", x2);
        if (target.dtype() != DType.INT64 && target.dtype() != x1.dtype()) {
            if (!target.dtype().isFloating()) {
                throw Checks.invalid(name(), "target must be int64 or floating, got " + target.dtype());
            }
            throw new UnsupportedFeatureException(name() + ": target is " + target.dtype() + " but the inputs are "
                    + x1.dtype() + "; give an int64 target or one of the inputs' dtype");
        }
        if (td == 1) {
            long n = x1.shape().dim(0), t = target.shape().dim(0);
            if (n != t) {
                if (n == 1) {
                    throw new UnsupportedFeatureException(name() + ": one input row broadcast against a target of shape "
                            + target.shape() + " is not supported; give " + t + " rows");
                }
                if (t != 1) {
                    throw Checks.invalid(name(), "target of shape " + target.shape() + " does not match the " + n
                            + " rows of input1 of shape " + x1.shape());
                }
            }
        }
        if (reduction != Reduction.NONE) return Shape.scalar();
        return td == 1 ? Shape.of(x1.shape().dim(0)) : Shape.scalar();
    }

    @Override
    public String toString() { return name() + "(margin=" + margin + ", reduction=" + reduction + ")"; }

    /** Builds a {@link CosineEmbeddingLoss}; defaults: margin 0, reduction {@code mean}. */
    public static final class Builder {
        private double margin = 0;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {}

        /** The margin for dissimilar pairs (target -1); default 0. */
        public Builder margin(double margin) { this.margin = margin; return this; }

        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** The loss with these options. */
        public CosineEmbeddingLoss build() { return new CosineEmbeddingLoss(margin, reduction); }
    }
}
