package io.losscl.reference;

import io.losscl.loss.SoftMarginLoss;

/**
 * soft_margin_loss: {@code l = log(1 + exp(-y x))}; {@code dl/dx = -y e / (1 + e)} with {@code e = exp(-y x)}
 * (PyTorch's formula, NaN where e overflows). The target is not differentiable (the spec rejects it).
 */
public final class SoftMarginLossReference extends ElementwiseReference<SoftMarginLoss> {
    @Override
    protected double value(SoftMarginLoss loss, double[] x) {
        return Math.log(1 + Math.exp(-x[1] * x[0])); // PyTorch's evaluation (not log1p)
    }

    @Override
    protected double derivative(SoftMarginLoss loss, double[] x, int k) {
        double e = Math.exp(-x[1] * x[0]);
        return -x[1] * e / (1 + e);
    }
}
