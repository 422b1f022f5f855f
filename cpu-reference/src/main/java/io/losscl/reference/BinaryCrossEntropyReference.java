package io.losscl.reference;

import io.losscl.loss.BinaryCrossEntropyLoss;

/**
 * binary_cross_entropy: {@code l = -(y max(log x, -100) + (1 - y) max(log(1 - x), -100))};
 * {@code dl/dx = (x - y) / max((1 - x) x, 1e-12)} and {@code dl/dy = -logit(x)}, as PyTorch computes them.
 */
public final class BinaryCrossEntropyReference extends BinaryCrossEntropyFamilyReference<BinaryCrossEntropyLoss> {
    private static final double EPSILON = 1e-12;

    @Override
    double value(double x, double y, double p, boolean hasPosWeight) {
        return -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log1p(-x), -100));
    }

    @Override
    double dInput(double x, double y, double p, boolean hasPosWeight) { return (x - y) / Math.max((1 - x) * x, EPSILON); }

    @Override
    double dTarget(double x, double y, double p, boolean hasPosWeight) { return -Math.log(x / (1 - x)); }
}
