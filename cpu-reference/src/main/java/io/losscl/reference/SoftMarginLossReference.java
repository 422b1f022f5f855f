package io.losscl.reference;

import io.losscl.loss.SoftMarginLoss;

/**
 * soft_margin_loss: {@code l = log(1 + exp(-y x))}; {@code dl/dx = -y e / (1 + e)} with {@code e = exp(-y x)}
 * (PyTorch's formula, NaN where e overflows); {@code dl/dy = -x e / (1 + e)} (PyTorch refuses to
 * differentiate the target; this is the derivative for callers who ask).
 */
public final class SoftMarginLossReference extends ElementwiseReference<SoftMarginLoss> {
    @Override
    protected double value(SoftMarginLoss loss, double[] x) {
        return Math.log(1 + Math.exp(-x[1] * x[0])); // PyTorch's evaluation (not log1p)
    }

    @Override
    protected double derivative(SoftMarginLoss loss, double[] x, int k) {
        double e = Math.exp(-x[1] * x[0]);
        return -(k == 0 ? x[1] : x[0]) * e / (1 + e);
    }
}
