package io.losscl;

import java.io.Serializable;
import java.util.Objects;

/**
 * A reduced loss over some rows of a batch, kept as the exact parts of its reduction so that partials of
 * disjoint slices {@link #merge merge} into the partial of their union: the exact sum of the per-row
 * terms (the loss's unreduced output, as {@link ReducibleLoss#addTerms} defines them), the exact
 * denominator ({@link ReducibleLoss#addDenominator}: element count, sum of class weights, batch size)
 * and the row count.
 *
 * <p>{@link #reduce()} is {@code sum} for reduction {@code sum}, else {@code round(sum) / round(denominator)}
 * (NaN for a zero denominator),
 * each rounded once from its exact value: since nothing is rounded before that, the result is bitwise the
 * same however the batch was split and in whatever order the partials were merged. Its accuracy: the
 * terms are the unreduced losses in the result dtype (float32 for float32 inputs, each within half an ulp
 * of the per-row loss), summed without further error.
 *
 * <pre>{@code
 * LossPartial p = engine.partial(ce, slice1).merge(engine.partial(ce, slice2));
 * double mean = p.reduce();
 * }</pre>
 *
 * Immutable and {@link Serializable} (Spark ships it between executors).
 */
public final class LossPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String loss;
    private final Reduction reduction;
    private final long rows;
    private final ExactSum sum;
    private final ExactSum denominator;

    private LossPartial(String loss, Reduction reduction, long rows, ExactSum sum, ExactSum denominator) {
        this.loss = Objects.requireNonNull(loss);
        this.reduction = Objects.requireNonNull(reduction);
        this.rows = rows;
        this.sum = sum;
        this.denominator = denominator;
    }

    /** The partial of no rows (the neutral element of {@link #merge}) for {@code loss}. */
    public static LossPartial empty(ReducibleLoss loss) {
        return new LossPartial(loss.name(), requireReduced(loss), 0, new ExactSum(), new ExactSum());
    }

    /**
     * The partial of {@code rows} rows given as {@code inputs}, whose unreduced losses (the output of
     * {@code loss.withReduction(NONE)} on them) are {@code unreduced}. {@link LossEngine#partial} calls it.
     */
    public static LossPartial of(ReducibleLoss loss, LossInputs inputs, long rows, HostTensor unreduced) {
        ExactSum s = new ExactSum();
        ExactSum d = new ExactSum();
        loss.addTerms(inputs, unreduced, s);
        loss.addDenominator(inputs, d);
        return new LossPartial(loss.name(), requireReduced(loss), rows, s, d);
    }

    static Reduction requireReduced(ReducibleLoss loss) {
        loss.checkPartials();
        if (loss.reduction() == Reduction.NONE) {
            throw new InvalidArgumentException(loss.name() + ": a partial needs reduction mean, sum or batchmean; this loss has reduction none");
        }
        return loss.reduction();
    }

    /** The partial of the rows of this and {@code other} (disjoint slices of one batch, same loss). */
    public LossPartial merge(LossPartial other) {
        if (!loss.equals(other.loss) || reduction != other.reduction) {
            throw new IllegalArgumentException("cannot merge a partial of " + loss + " (" + reduction + ") with one of "
                    + other.loss + " (" + other.reduction + ")");
        }
        return new LossPartial(loss, reduction, rows + other.rows,
                new ExactSum(sum).add(other.sum), new ExactSum(denominator).add(other.denominator));
    }

    /** The reduced loss of all rows merged: {@code mean}, {@code sum} or {@code batchmean} as the single call. */
    public double reduce() {
        if (reduction == Reduction.SUM) return sum.value();
        double d = denominator.value();
        // A mean over nothing is NaN, as in PyTorch (also where label smoothing leaves a non-zero sum over
        // targets of total weight 0: PyTorch's 0/0 of the target term makes the whole NaN).
        return d == 0.0 ? Double.NaN : sum.value() / d;
    }

    /** The exact sum of the terms, rounded once. */
    public double sum() { return sum.value(); }

    /** The exact denominator of {@code mean}/{@code batchmean}, rounded once (0 for {@code sum}). */
    public double denominator() { return denominator.value(); }

    /** Rows merged into this partial. */
    public long rows() { return rows; }

    /** The loss's name, e.g. {@code cross_entropy}. */
    public String loss() { return loss; }

    public Reduction reduction() { return reduction; }

    @Override
    public String toString() {
        return "LossPartial(" + loss + ", " + reduction + ", rows=" + rows + ", sum=" + sum.value() + ", denominator="
                + denominator.value() + ")";
    }
}
