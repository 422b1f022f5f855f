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
 * Entropy of categorical distributions, as {@code torch.distributions.Categorical(...).entropy()}: the last
 * dimension holds the classes; exactly one of the inputs {@code probs} or {@code logits} is given.
 * <ul>
 *   <li>{@code probs}: each row is normalised, {@code q = p / sum p} (Categorical does so), then
 *       {@code H = -sum q log q} with {@code 0 log 0 = 0}. Like PyTorch, {@code log q} is taken of q clamped to
 *       {@code [eps, 1 - eps]}, which also fixes the gradient at {@code q = 0} and {@code q = 1}. Rows must be
 *       non-negative and finite with a positive sum (PyTorch's simplex check).</li>
 *   <li>{@code logits}: {@code logp = log_softmax(x)}, {@code H = -sum exp(logp) logp} (0 for a -inf logit).
 *       Logits must not be NaN or +inf.</li>
 * </ul>
 * Reduction {@code none} (default: one value per row, the input's shape without its last dimension),
 * {@code mean} or {@code sum} of those. Gradient: of the input given.
 */
public final class Entropy implements io.losscl.ReducibleLoss {
    /** The name this loss has in the eval protocol. */
    public static final String NAME = "entropy";

    /** Which parameterisation the input is. */
    public enum Parameterization {
        /** Unnormalised non-negative weights of the classes ({@code probs}). */
        PROBS("probs"),
        /** Unnormalised log-probabilities ({@code logits}). */
        LOGITS("logits");

        private final String inputName;

        Parameterization(String inputName) { this.inputName = inputName; }

        /** The protocol's input name. */
        public String inputName() { return inputName; }
    }

    private final Parameterization parameterization;
    private final Reduction reduction;

    private Entropy(Parameterization parameterization, Reduction reduction) {
        if (reduction == null || reduction == Reduction.BATCHMEAN) {
            throw Checks.invalid(NAME, "reduction " + reduction + " is not valid; expected 'none', 'mean' or 'sum'");
        }
        this.parameterization = parameterization;
        this.reduction = reduction;
    }

    /** Entropy of distributions given by probabilities, one per row, unreduced. */
    public static Entropy ofProbs() { return new Entropy(Parameterization.PROBS, Reduction.NONE); }

    /** Entropy of distributions given by logits, one per row, unreduced. */
    public static Entropy ofLogits() { return new Entropy(Parameterization.LOGITS, Reduction.NONE); }

    /** The same entropy with another reduction of the per-row values. */
    public Entropy reduction(Reduction reduction) { return new Entropy(parameterization, reduction); }

    /**
     * From PyTorch-style options ({@code reduction}, default {@code none}). The parameterisation is decided by
     * which input is given; an instance from here accepts either.
     */
    public static Entropy fromOptions(Options o) {
        o.allowOnly("reduction");
        return new Entropy(null, o.reduction(Reduction.NONE, false));
    }

    /** {@code PROBS} or {@code LOGITS}; {@code null} when decided by the inputs given ({@link #fromOptions}). */
    public Parameterization parameterization() { return parameterization; }

    /** The reduction (default {@code none}). */
    @Override public Reduction reduction() { return reduction; }

    @Override public Entropy withReduction(Reduction r) { return new Entropy(parameterization, r); }

    /** The parameterisation of this call: the one fixed, or the one whose input is present. */
    public Parameterization parameterizationOf(LossInputs inputs) {
        if (parameterization != null) return parameterization;
        return inputs.has("logits") ? Parameterization.LOGITS : Parameterization.PROBS;
    }

    @Override public String name() { return NAME; }

    @Override
    public List<String> inputNames() {
        return parameterization == null ? List.of("probs", "logits") : List.of(parameterization.inputName());
    }

    @Override
    public Shape validate(LossInputs inputs) {
        boolean p = inputs.has("probs"), l = inputs.has("logits");
        if (p == l) throw Checks.invalid(NAME, "exactly one of 'probs' or 'logits' must be given, got " + (p ? "both" : "neither"));
        Parameterization kind = p ? Parameterization.PROBS : Parameterization.LOGITS;
        if (parameterization != null && parameterization != kind) {
            throw Checks.invalid(NAME, "this entropy takes '" + parameterization.inputName() + "', got '" + kind.inputName() + "'");
        }
        String name = kind.inputName();
        Tensor x = Checks.floating(NAME, inputs, name);
        Shape s = x.shape();
        if (s.rank() == 0) throw Checks.invalid(NAME, name + " must have at least one dimension, got a 0-dim tensor");
        if (kind == Parameterization.LOGITS && s.numel() == 0) {
            throw Checks.invalid(NAME, "logits of shape " + s + " are empty (PyTorch cannot normalise them)");
        }
        if (kind == Parameterization.PROBS && s.dim(-1) == 0) throw Checks.invalid(NAME, "probs of shape " + s + " have no classes");
        if (x instanceof HostTensor) checkValues(kind, (HostTensor) x);
        return reduction == Reduction.NONE ? s.dropTrailing(1) : Shape.scalar();
    }

    private static void checkValues(Parameterization kind, HostTensor x) {
        ClassRows rows = ClassRows.lastDim(x.shape());
        int c = (int) rows.classes();
        for (long r = 0; r < rows.rows(); r++) {
            int base = (int) (r * c);
            double sum = 0;
            boolean finiteLogit = false;
            for (int k = 0; k < c; k++) {
                double v = x.getDouble(base + k);
                if (kind == Parameterization.PROBS) {
                    if (!(v >= 0) || Double.isInfinite(v)) {
                        throw Checks.invalid(NAME, "probs value " + v + " at index " + Checks.index(x.shape(), base + k)
                                + " is not a probability (must be finite and >= 0)");
                    }
                    sum += v;
                } else {
                    if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
                        throw Checks.invalid(NAME, "logits value " + v + " at index " + Checks.index(x.shape(), base + k) + " is not a real number or -inf");
                    }
                    if (v != Double.NEGATIVE_INFINITY) finiteLogit = true;
                }
            }
            if (kind == Parameterization.PROBS && !(sum > 0 && sum < Double.POSITIVE_INFINITY)) {
                throw Checks.invalid(NAME, "probs row at index " + Checks.index(x.shape(), base) + " sums to " + sum + "; it cannot be normalised");
            }
            if (kind == Parameterization.LOGITS && !finiteLogit) {
                throw Checks.invalid(NAME, "logits row at index " + Checks.index(x.shape(), base) + " is all -inf; it cannot be normalised");
            }
        }
    }

    @Override
    public String toString() { return NAME + "(" + (parameterization == null ? "probs|logits" : parameterization.inputName()) + ", reduction=" + reduction + ")"; }
}
