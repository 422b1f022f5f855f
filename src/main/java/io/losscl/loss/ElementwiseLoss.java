package io.losscl.loss;

import io.losscl.Loss;
import io.losscl.Reduction;

/**
 * A loss that is a formula of corresponding elements of its inputs, then reduced: l1, mse, huber,
 * smooth_l1, ... Backends share one skeleton for all of them; each loss contributes its formula and
 * its derivative (a {@code .cl} file and a reference class of the same stem).
 */
public interface ElementwiseLoss extends Loss {
    /** How per-element losses are combined. */
    Reduction reduction();

    /** The loss's scalar options in the order its formula reads them (e.g. {@code delta}); may be empty. */
    double[] parameters();

    /**
     * The factor that turns the sum of the {@code n} per-element losses into the reduced output (and the
     * gradient's upstream scale): {@code 1/n} for mean, 1 for sum and none. kl_div's batchmean overrides it.
     */
    default double reductionScale(io.losscl.Shape input, long n) { return reduction() == Reduction.MEAN ? 1.0 / n : 1.0; }
}
