package io.losscl.loss;

import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * Gaussian negative log-likelihood, {@code torch.nn.functional.gaussian_nll_loss}, of {@code target}
 * under a Gaussian of mean {@code input} and variance {@code var}:
 * {@code l = 0.5 (log(max(var, eps)) + (x - y)^2 / max(var, eps))}, plus {@code 0.5 log(2 pi)} with
 * {@code full}; then reduced ({@code mean} over every element).
 *
 * <p>{@code var} has the input's shape (heteroscedastic), or the input's shape with its last dimension
 * 1 or without its last dimension (one variance shared along the last dimension); anything else is
 * rejected ("var is of incorrect size"), as are negative entries of {@code var}. {@code target}
 * broadcasts against {@code input} (an int64 target is promoted).
 *
 * <p>The clamp to {@code eps} is applied as PyTorch applies it, outside autograd: every gradient is
 * taken at the clamped variance {@code v}, and the gradient still flows to {@code var} where it was
 * clamped: {@code d/dx = (x - y) / v = -d/dy}, {@code d/dvar = 0.5 (1/v - (x - y)^2 / v^2)}.
 *
 * <p>Options: {@code full} (default false), {@code eps} (default 1e-6), {@code reduction} (default
 * {@code mean}). {@code GaussianNllLoss.builder().full(true).eps(1e-4).build()}.
 */
public final class GaussianNllLoss extends AbstractElementwiseLoss {
    private final boolean full;
    private final double eps;

    private GaussianNllLoss(Reduction reduction, boolean full, double eps) {
        super(reduction);
        this.full = full;
        this.eps = eps;
    }

    /** A builder with PyTorch's defaults: not full, {@code eps = 1e-6}, reduction {@code mean}. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code full}, {@code eps}, {@code reduction}. */
    public static GaussianNllLoss fromOptions(Options o) {
        o.allowOnly("full", "eps", "reduction");
        return new GaussianNllLoss(o.reduction(Reduction.MEAN, false), o.bool("full", false), o.number("eps", 1e-6));
    }

    @Override public String name() { return "gaussian_nll_loss"; }

    /** var may lack the input's last dimension: every input with the batch in dimension 0 is cut. */
    @Override public boolean broadcastsInputs() { return false; }

    @Override public GaussianNllLoss withReduction(Reduction r) { return new GaussianNllLoss(r, full, eps); }

    @Override public List<String> inputNames() { return List.of("input", "target", "var"); }

    /** Whether the constant {@code 0.5 log(2 pi)} is added. */
    public boolean full() { return full; }

    /** The lower clamp of {@code var}. */
    public double eps() { return eps; }

    /** {@code [full ? 1 : 0, eps]}. */
    @Override public double[] parameters() { return new double[] {full ? 1 : 0, eps}; }

    @Override protected boolean acceptsInt64(String name) { return name.equals("target"); }

    /** A {@code var} without the input's last dimension takes part in broadcasting with a trailing 1. */
    @Override
    public Shape operandShape(String name, LossInputs inputs) {
        Shape s = inputs.get(name).shape();
        if (!name.equals("var")) return s;
        Shape in = inputs.get("input").shape();
        if (!s.equals(in) && in.rank() > 0 && in.dropTrailing(1).equals(s)) {
            long[] d = java.util.Arrays.copyOf(s.dims(), s.rank() + 1);
            d[s.rank()] = 1;
            return Shape.of(d);
        }
        return s;
    }

    @Override
    protected void checkShapes(LossInputs inputs) {
        Shape in = inputs.get("input").shape(), v = inputs.get("var").shape();
        if (v.equals(in)) return;
        Shape lead = in.rank() > 0 ? in.dropTrailing(1) : in;
        boolean without = lead.equals(v);
        boolean lastIsOne = v.rank() > 0 && v.dim(-1) == 1 && lead.equals(v.dropTrailing(1));
        if (!without && !lastIsOne) {
            throw Checks.invalid(name(), "var is of incorrect size: var of shape " + v + " must have the shape of input " + in
                    + ", or that shape with its last dimension 1 or without its last dimension");
        }
    }

    @Override
    protected void checkValues(LossInputs inputs) {
        Tensor v = inputs.get("var");
        if (!(v instanceof HostTensor)) return;
        HostTensor h = (HostTensor) v;
        int n = h.shape().numelInt();
        for (int i = 0; i < n; i++) {
            double x = h.getDouble(i);
            if (x < 0) {
                throw Checks.invalid(name(), "var " + x + " at index " + Checks.index(h.shape(), i)
                        + " is negative (var has negative entry/entries; variances must be >= 0)");
            }
        }
    }

    @Override protected String describeOptions() { return "full=" + full + ", eps=" + eps; }

    /** Builds a {@link GaussianNllLoss}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private boolean full;
        private double eps = 1e-6;

        private Builder() {}

        /** Default {@code mean}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Adds the constant {@code 0.5 log(2 pi)} (default false). */
        public Builder full(boolean full) { this.full = full; return this; }

        /** The lower clamp of {@code var} (default 1e-6). */
        public Builder eps(double eps) { this.eps = eps; return this; }

        /** The loss with these options. */
        public GaussianNllLoss build() { return new GaussianNllLoss(reduction, full, eps); }
    }
}
