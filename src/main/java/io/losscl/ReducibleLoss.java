package io.losscl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A loss with a {@link Reduction}: what its reduction is made of, so that a batch can be cut into slices
 * of rows, each reduced to a {@link LossPartial}, and the partials merged exactly. The reduced loss is
 * {@code sum(terms) / denominator} ({@code sum(terms)} for {@code sum}), where by default the terms are
 * the unreduced output's elements and the denominator their count; losses whose reduction weighs or
 * counts differently override {@link #addTerms} or {@link #addDenominator} (cross_entropy's class
 * weights, kl_div's batchmean, ctc_loss's target lengths).
 *
 * <p>Rows: the batch dimension, by default dimension 0 of every input of the batch's rank that has
 * {@link #batchRows} entries there (inputs of lower rank broadcast and are not cut).
 */
public interface ReducibleLoss extends Loss {
    /** How the per-row losses are combined. */
    Reduction reduction();

    /** This loss, options unchanged, with {@code reduction} (e.g. {@code NONE} for the per-row losses). */
    ReducibleLoss withReduction(Reduction reduction);

    /**
     * Throws {@link UnsupportedFeatureException} naming the loss where its reduction, with these options, is not
     * one ratio of sums over rows (so no partials); checked before any partial is computed. Default: nothing.
     */
    default void checkPartials() {}

    /** Adds the terms whose sum is this slice's share of the reduced loss: by default every unreduced loss. */
    default void addTerms(LossInputs slice, HostTensor unreduced, ExactSum terms) { terms.addAll(unreduced); }

    /**
     * Adds this slice's share of the denominator: for {@code mean} by default the number of unreduced losses;
     * nothing for {@code sum}.
     */
    default void addDenominator(LossInputs slice, ExactSum denominator) {
        if (reduction() == Reduction.MEAN) denominator.add(withReduction(Reduction.NONE).validate(slice).numel());
    }

    /** Whether these inputs have a batch dimension (an unbatched call is one row and cannot be cut). */
    default boolean batched(LossInputs inputs) {
        Tensor lead = batchLead(inputs);
        return lead != null && lead.shape().rank() >= minBatchedRank();
    }

    /** The number of rows of the batch (1 for an unbatched call, which cannot be cut). */
    default long batchRows(LossInputs inputs) {
        Tensor lead = batchLead(inputs);
        return batched(inputs) ? lead.shape().dim(0) : 1;
    }

    /**
     * The input whose dimension 0 is the batch: the first input, or for broadcasting losses the one of the
     * highest rank and, among those, the largest dimension 0 (the broadcast batch).
     */
    private Tensor batchLead(LossInputs inputs) {
        Tensor lead = null;
        for (String name : inputNames()) {
            Tensor t = inputs.get(name);
            if (t == null) continue;
            if (lead == null) {
                lead = t;
            } else if (broadcastsInputs()) {
                Shape s = t.shape(), l = lead.shape();
                if (s.rank() > l.rank() || (s.rank() == l.rank() && s.rank() > 0 && s.dim(0) > l.dim(0))) lead = t;
            }
        }
        return lead;
    }

    /**
     * Whether these inputs can be cut into rows: false where an option or a broadcast input carries the batch
     * dimension (a per-element weight of the input's shape, kl_div's batchmean over a broadcast input).
     */
    default boolean splittable(LossInputs inputs) { return true; }

    /** The rank from which the first input is batched (dimension 0 is the batch): 2 for class rows, 1 elementwise. */
    default int minBatchedRank() { return 2; }

    /**
     * Rows {@code [from, to)} of the batch: every host input of the first input's rank with {@link #batchRows}
     * entries in dimension 0 is cut there; the rest are shared. Only for inputs that passed {@link #validate}.
     */
    default LossInputs sliceRows(LossInputs inputs, long from, long to) {
        long rows = batchRows(inputs);
        if (from == 0 && to == rows) return inputs;
        if (!batched(inputs)) {
            throw new IllegalArgumentException(name() + ": an unbatched call is one row; rows [" + from + ", " + to + ") of it do not exist");
        }
        if (!splittable(inputs)) {
            throw new UnsupportedFeatureException(name() + ": these inputs cannot be cut into rows (an option or a broadcast input has the batch dimension)");
        }
        int rank = batchLead(inputs).shape().rank();
        Map<String, Tensor> out = new LinkedHashMap<>();
        inputs.asMap().forEach((name, t) -> {
            boolean cut = !sharedByAllRows(name) && t.shape().rank() >= 1 && t.shape().dim(0) == rows
                    && (t.shape().rank() == rank || !broadcastsInputs());
            out.put(name, cut ? t.toHost().sliceRows(from, to) : t);
        });
        return LossInputs.of(out);
    }

    /**
     * Whether input {@code name} belongs to no row and is never cut, whatever its shape (linear_cross_entropy's
     * linear_weight, whose dimension 0 may equal the batch size by chance).
     */
    default boolean sharedByAllRows(String name) { return false; }

    /** Whether inputs broadcast against each other (elementwise losses): then only inputs of the batch's rank are cut. */
    default boolean broadcastsInputs() { return false; }
}
