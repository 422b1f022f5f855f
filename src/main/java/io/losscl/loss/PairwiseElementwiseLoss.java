package io.losscl.loss;

import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * Base of elementwise losses of an {@code input} and a {@code target} of one shape and dtype
 * (l1, mse, huber, smooth_l1, soft_margin...).
 */
public abstract class PairwiseElementwiseLoss implements ElementwiseLoss {
    private final Reduction reduction;

    protected PairwiseElementwiseLoss(Reduction reduction) {
        if (reduction == Reduction.BATCHMEAN) throw new IllegalArgumentException(name() + ": reduction batchmean is only valid for kl_div");
        this.reduction = reduction;
    }

    @Override public Reduction reduction() { return reduction; }

    @Override public List<String> inputNames() { return List.of("input", "target"); }

    @Override public double[] parameters() { return new double[0]; }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor input = Checks.floating(name(), inputs, "input");
        Tensor target = Checks.floating(name(), inputs, "target");
        Checks.sameShape(name(), "input", input, "target", target);
        Checks.sameDtype(name(), "input", input, "target", target);
        return reduction == Reduction.NONE ? input.shape() : Shape.scalar();
    }

    @Override
    public String toString() { return name() + "(reduction=" + reduction + ")"; }
}
