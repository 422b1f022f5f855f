package io.losscl.loss;

import io.losscl.Reduction;
import java.util.List;

/**
 * Base of elementwise losses of an {@code input} and a {@code target} (l1, mse, huber, smooth_l1,
 * soft_margin, ...). They broadcast against each other as in PyTorch (which warns when their sizes
 * differ); an int64 {@code target} is promoted to the input's floating dtype.
 */
public abstract class PairwiseElementwiseLoss extends AbstractElementwiseLoss {
    /** A loss with {@code reduction}. */
    protected PairwiseElementwiseLoss(Reduction reduction) { super(reduction); }

    @Override public List<String> inputNames() { return List.of("input", "target"); }
}
