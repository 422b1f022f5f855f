package io.losscl.loss;

import io.losscl.Options;
import io.losscl.Reduction;

/**
 * Poisson negative log-likelihood, {@code torch.nn.functional.poisson_nll_loss}, of targets
 * {@code y} under a Poisson distribution whose rate is given by {@code input}:
 * <ul>
 *   <li>{@link InputSpace#LOG} ({@code log_input=true}, the default): {@code x} is the log-rate,
 *       {@code l = exp(x) - y x};</li>
 *   <li>{@link InputSpace#RATE} ({@code log_input=false}): {@code x} is the rate,
 *       {@code l = x - y log(x + eps)}.</li>
 * </ul>
 * With {@code full}, the Stirling approximation of {@code log(y!)},
 * {@code y log y - y + 0.5 log(2 pi y)}, is added where {@code y > 1} (masked to 0 where
 * {@code y <= 1}, as PyTorch). Then reduced.
 *
 * <p>Both inputs are differentiable ({@code d/dy} is {@code -x} or {@code -log(x + eps)}, plus
 * {@code log y + 0.5 / y} from the Stirling term where {@code y > 1}; where it is masked PyTorch's
 * autograd still yields NaN for {@code y <= 0}, and so does this). Inputs broadcast together; an int64
 * target is promoted, as are mixed floating dtypes.
 *
 * <p>Options: {@code log_input} (default true), {@code full} (default false), {@code eps} (default
 * 1e-8, any value; only used with {@code log_input=false}), {@code reduction} (default {@code mean}).
 * {@code PoissonNllLoss.builder().inputSpace(InputSpace.RATE).full(true).build()}.
 */
public final class PoissonNllLoss extends PairwiseElementwiseLoss {
    /** What {@code input} holds. */
    public enum InputSpace {
        /** The log of the rate ({@code log_input=true}). */
        LOG,
        /** The rate itself ({@code log_input=false}). */
        RATE
    }

    private final InputSpace inputSpace;
    private final boolean full;
    private final double eps;

    private PoissonNllLoss(Reduction reduction, InputSpace inputSpace, boolean full, double eps) {
        super(reduction);
        if (inputSpace == null) throw new io.losscl.InvalidArgumentException(name() + ": inputSpace is null");
        this.inputSpace = inputSpace;
        this.full = full;
        this.eps = eps;
    }

    /** A builder with PyTorch's defaults: log input, not full, {@code eps = 1e-8}, reduction {@code mean}. */
    public static Builder builder() { return new Builder(); }

    /** From PyTorch-style options: {@code log_input}, {@code full}, {@code eps}, {@code reduction}. */
    public static PoissonNllLoss fromOptions(Options o) {
        o.allowOnly("log_input", "full", "eps", "reduction");
        return new PoissonNllLoss(o.reduction(Reduction.MEAN, false),
                o.bool("log_input", true) ? InputSpace.LOG : InputSpace.RATE, o.bool("full", false), o.number("eps", 1e-8));
    }

    @Override public String name() { return "poisson_nll_loss"; }

    /** Whether the input is the log of the rate (default) or the rate itself. */
    public InputSpace inputSpace() { return inputSpace; }

    /** Whether the Stirling term is added. */
    public boolean full() { return full; }

    /** The {@code eps} added to the rate before its log when the input is the rate (default 1e-8). */
    public double eps() { return eps; }

    @Override public PoissonNllLoss withReduction(Reduction r) { return new PoissonNllLoss(r, inputSpace, full, eps); }

    /** {@code [log_input ? 1 : 0, full ? 1 : 0, eps]}. */
    @Override public double[] parameters() { return new double[] {inputSpace == InputSpace.LOG ? 1 : 0, full ? 1 : 0, eps}; }

    @Override protected String describeOptions() { return "log_input=" + (inputSpace == InputSpace.LOG) + ", full=" + full + ", eps=" + eps; }

    /** Builds a {@link PoissonNllLoss}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private InputSpace inputSpace = InputSpace.LOG;
        private boolean full;
        private double eps = 1e-8;

        private Builder() {}

        /** Default {@code mean}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Default {@link InputSpace#LOG}. */
        public Builder inputSpace(InputSpace inputSpace) { this.inputSpace = inputSpace; return this; }

        /** Adds the Stirling term (default false). */
        public Builder full(boolean full) { this.full = full; return this; }

        /** Added to the rate before its log in {@link InputSpace#RATE} (default 1e-8). */
        public Builder eps(double eps) { this.eps = eps; return this; }

        /** The loss with these options. */
        public PoissonNllLoss build() { return new PoissonNllLoss(reduction, inputSpace, full, eps); }
    }
}
