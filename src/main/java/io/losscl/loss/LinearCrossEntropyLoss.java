package io.losscl.loss;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * The classifier head and its cross-entropy in one loss, {@code linear_cross_entropy} (not in PyTorch;
 * pytorch/pytorch#124480 asks for it). With {@code input} {@code (..., H)}, {@code linear_weight}
 * {@code (V, H)}, optional {@code linear_bias} {@code (V)} and int64 {@code target} {@code (...)}, it is
 * exactly
 *
 * <pre>F.cross_entropy(F.linear(input, linear_weight, linear_bias).reshape(-1, V), target.reshape(-1),
 *                 weight, ignore_index, reduction, label_smoothing)</pre>
 *
 * (reshaped back to the target's shape for {@code none}), plus two extensions that default to off:
 * <ul>
 *   <li>{@code softcap} {@code s > 0}: the logits become {@code s * tanh(logits / s)} before the softmax
 *       (Gemma 2);</li>
 *   <li>{@code z_loss} {@code z >= 0}: each row whose target is not {@code ignore_index} adds
 *       {@code z * lse^2}, {@code lse} the log-sum-exp of its (capped) logits, unweighted by the class
 *       weights (PaLM); {@code none} adds it to that row's loss, {@code sum} adds the sum, {@code mean} the
 *       sum divided by the number of rows not ignored.</li>
 * </ul>
 * Backends never need the N x V logits at once: the OpenCL kernel works through the rows in chunks (see
 * {@code LinearCrossEntropyKernel}). Options: {@code weight} (class weights of length V, default all 1),
 * {@code ignoreIndex} (default -100), {@code reduction} (default {@code mean}), {@code labelSmoothing} (at
 * most 1; negative smooths nothing, as in PyTorch), {@code softcap} (null: off), {@code zLoss} (default 0).
 * Gradients: input, linear_weight, linear_bias.
 */
public final class LinearCrossEntropyLoss implements io.losscl.ReducibleLoss {
    public static final String NAME = "linear_cross_entropy";
    private final HostTensor weight;
    private final long ignoreIndex;
    private final Reduction reduction;
    private final double labelSmoothing;
    private final Double softcap;
    private final double zLoss;

    private LinearCrossEntropyLoss(Builder b) {
        this.weight = b.weight;
        this.ignoreIndex = b.ignoreIndex;
        this.reduction = b.reduction;
        this.labelSmoothing = b.labelSmoothing;
        this.softcap = b.softcap;
        this.zLoss = b.zLoss;
    }

    /** A builder with the defaults (those of cross_entropy; softcap off, z_loss 0). */
    public static Builder builder() { return new Builder(); }

    /** linear_cross_entropy with every option at its default (mean reduction). */
    public static LinearCrossEntropyLoss of() { return builder().build(); }

    /** From protocol options: {@code weight}, {@code ignore_index}, {@code reduction}, {@code label_smoothing}, {@code softcap}, {@code z_loss}. */
    public static LinearCrossEntropyLoss fromOptions(Options o) {
        o.allowOnly("weight", "ignore_index", "reduction", "label_smoothing", "softcap", "z_loss");
        double cap = o.number("softcap", Double.NaN);
        return builder().weight(o.tensor("weight")).ignoreIndex(o.integer("ignore_index", -100))
                .reduction(o.reduction(Reduction.MEAN, false)).labelSmoothing(o.number("label_smoothing", 0.0))
                .softcap(o.has("softcap") ? cap : null).zLoss(o.number("z_loss", 0.0)).build();
    }

    /** Class weights, or {@code null} for all ones. */
    public HostTensor weight() { return weight; }
    public long ignoreIndex() { return ignoreIndex; }
    @Override public Reduction reduction() { return reduction; }
    public double labelSmoothing() { return labelSmoothing; }
    /** The cap {@code s} of {@code s * tanh(logits / s)}, or {@code null} when off. */
    public Double softcap() { return softcap; }
    public double zLoss() { return zLoss; }

    @Override
    public LinearCrossEntropyLoss withReduction(Reduction r) {
        return builder().weight(weight).ignoreIndex(ignoreIndex).labelSmoothing(labelSmoothing).softcap(softcap).zLoss(zLoss).reduction(r).build();
    }

    /**
     * Whether this loss's reduction is one exact ratio of sums over rows, so that slices of a batch reduce to
     * {@link io.losscl.LossPartial}s: always, except {@code mean} with both class weights and {@code z_loss}, which
     * is {@code sum(w_t ce) / sum(w_t) + z_loss sum(lse^2) / kept}, two ratios of different denominators that the
     * unreduced per-row losses ({@code w_t ce + z_loss lse^2}) cannot be split back into.
     */
    public boolean reducibleByParts() { return !(reduction == Reduction.MEAN && weight != null && zLoss > 0); }

    @Override
    public void checkPartials() {
        if (!reducibleByParts()) {
            throw new io.losscl.UnsupportedFeatureException(NAME + ": partials of reduction mean with both class weights and z_loss"
                    + " (two ratios of different denominators); use reduction sum, or z_loss without class weights");
        }
    }

    /** mean divides by the class weights of the rows not ignored (their count without class weights), as cross_entropy. */
    @Override
    public void addDenominator(LossInputs slice, io.losscl.ExactSum denominator) {
        if (reduction == Reduction.MEAN) ClassTargets.addTargetWeights(slice.get("target"), weight, ignoreIndex, denominator);
    }

    @Override
    public boolean splittable(LossInputs inputs) { return reducibleByParts(); }

    /** Rows are the input's and the target's leading rows; linear_weight and linear_bias are shared by all. */
    @Override
    public boolean sharedByAllRows(String name) { return name.equals("linear_weight") || name.equals("linear_bias"); }

    /** The same options as a plain cross_entropy of the logits (what the reference hands the logits to). */
    public CrossEntropyLoss crossEntropy() {
        return CrossEntropyLoss.builder().weight(weight).ignoreIndex(ignoreIndex).reduction(reduction).labelSmoothing(labelSmoothing).build();
    }

    @Override public String name() { return NAME; }

    @Override public List<String> inputNames() { return List.of("input", "linear_weight", "target", "linear_bias"); }

    /** Hidden size H: the input's last dimension. */
    public static long hidden(Tensor input) { return input.shape().dim(-1); }

    /** Rows N: the product of the input's leading dimensions (1 for an unbatched {@code (H)} input). */
    public static long rows(Tensor input) { return input.shape().product(0, input.shape().rank() - 1); }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor input = Checks.floating(NAME, inputs, "input");
        Tensor w = Checks.floating(NAME, inputs, "linear_weight");
        Tensor target = Checks.int64(NAME, inputs, "target");
        Tensor bias = inputs.get("linear_bias");
        Shape in = input.shape();
        if (in.rank() == 0) throw Checks.invalid(NAME, "input must have 1 or more dimensions (..., H), got a 0-dim tensor");
        long h = in.dim(-1);
        if (w.shape().rank() != 2) throw Checks.invalid(NAME, "linear_weight must be 2-D (V, H), got shape " + w.shape());
        if (w.shape().dim(1) != h) {
            throw Checks.invalid(NAME, "linear_weight of shape " + w.shape() + " does not match the input's hidden size " + h
                    + " (input " + in + "; expected (V, " + h + "))");
        }
        Checks.sameDtype(NAME, "input", input, "linear_weight", w);
        long v = w.shape().dim(0);
        if (bias != null) {
            if (!bias.dtype().isFloating()) throw Checks.invalid(NAME, "linear_bias must be a floating-point tensor, got " + bias.dtype());
            if (bias.shape().rank() != 1 || bias.shape().dim(0) != v) {
                throw Checks.invalid(NAME, "linear_bias of shape " + bias.shape() + " must have one value for each of the " + v + " classes of linear_weight " + w.shape());
            }
            Checks.sameDtype(NAME, "input", input, "linear_bias", bias);
        }
        Shape leading = in.dropTrailing(1);
        if (!target.shape().equals(leading)) {
            throw Checks.invalid(NAME, "target of shape " + target.shape() + " does not match the input's leading shape " + leading
                    + " (input " + in + " is (..., H), target must be (...))");
        }
        ClassTargets.checkWeight(NAME, weight, v);
        ClassTargets.checkValues(NAME, target, v, ignoreIndex);
        return reduction == Reduction.NONE ? target.shape() : Shape.scalar();
    }

    /** The (host) targets' values checked, for backends that hold device targets and read them back. */
    public void checkTargets(HostTensor target, long classes) { ClassTargets.checkValues(NAME, target, classes, ignoreIndex); }

    @Override
    public String toString() {
        return NAME + "(weight=" + (weight == null ? "none" : weight.shape().toString()) + ", ignore_index=" + ignoreIndex
                + ", reduction=" + reduction + ", label_smoothing=" + labelSmoothing + ", softcap=" + softcap + ", z_loss=" + zLoss + ")";
    }

    /** Builds a {@link LinearCrossEntropyLoss}; {@link #build()} checks the options. */
    public static final class Builder {
        private HostTensor weight;
        private long ignoreIndex = -100;
        private Reduction reduction = Reduction.MEAN;
        private double labelSmoothing;
        private Double softcap;
        private double zLoss;

        private Builder() {}

        /** One weight per class (floating, shape {@code (V)}); {@code null} for all ones. */
        public Builder weight(HostTensor weight) { this.weight = weight; return this; }

        /** One weight per class. */
        public Builder weight(float... weight) { return weight(HostTensor.of(weight.clone(), weight.length)); }

        /** Target value whose rows contribute nothing (any integer; default -100). */
        public Builder ignoreIndex(long ignoreIndex) { this.ignoreIndex = ignoreIndex; return this; }

        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Label smoothing, at most 1 (default 0; a negative value smooths nothing, as in PyTorch). */
        public Builder labelSmoothing(double labelSmoothing) { this.labelSmoothing = labelSmoothing; return this; }

        /** Logit soft-capping {@code s * tanh(logits / s)} with a finite {@code s > 0}; {@code null} (default) for none. */
        public Builder softcap(Double softcap) { this.softcap = softcap; return this; }

        /** Weight of the z-loss {@code lse^2} per row, finite and {@code >= 0} (default 0: off). */
        public Builder zLoss(double zLoss) { this.zLoss = zLoss; return this; }

        public LinearCrossEntropyLoss build() {
            CrossEntropyLoss.checkOptions(NAME, reduction, labelSmoothing, weight);
            if (softcap != null && !(softcap > 0 && softcap < Double.POSITIVE_INFINITY)) {
                throw Checks.invalid(NAME, "softcap must be a finite number > 0 (or null for none), got " + softcap);
            }
            if (!(zLoss >= 0 && zLoss < Double.POSITIVE_INFINITY)) throw Checks.invalid(NAME, "z_loss must be a finite number >= 0, got " + zLoss);
            return new LinearCrossEntropyLoss(this);
        }
    }
}
