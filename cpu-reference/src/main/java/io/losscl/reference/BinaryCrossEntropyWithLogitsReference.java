package io.losscl.reference;

import io.losscl.loss.BinaryCrossEntropyWithLogitsLoss;

/**
 * binary_cross_entropy_with_logits: {@code l = (1 - y) x + (1 + (p - 1) y) softplus(-x)} with
 * {@code softplus(-x) = log(exp(-m) + exp(-x - m)) + m, m = max(-x, 0)} (PyTorch's stable form); {@code dl/dx = (1 + (p - 1) y) sigmoid(x) - p y};
 * {@code dl/dy = log sigmoid(-x) - p log sigmoid(x)}.
 */
public final class BinaryCrossEntropyWithLogitsReference extends BinaryCrossEntropyFamilyReference<BinaryCrossEntropyWithLogitsLoss> {
    /**
     * softplus(-x) = -log sigmoid(x) in PyTorch's stable form {@code log(exp(-m) + exp(-x - m)) + m},
     * {@code m = max(-x, 0)}: finite for every finite x, and rounding as PyTorch's does.
     */
    static double softplusNeg(double x) {
        double m = Math.max(-x, 0);
        return Math.log(Math.exp(-m) + Math.exp(-x - m)) + m;
    }

    /** Without pos_weight PyTorch has no (p - 1) y factor, so an infinite target gives an infinite loss, not NaN. */
    @Override
    double value(double x, double y, double p, boolean hasPosWeight) {
        return (1 - y) * x + (hasPosWeight ? 1 + (p - 1) * y : 1) * softplusNeg(x);
    }

    @Override
    double dInput(double x, double y, double p, boolean hasPosWeight) {
        double sigmoid = 1 / (1 + Math.exp(-x));
        return hasPosWeight ? (p * y + 1 - y) * sigmoid - p * y : sigmoid - y;
    }

    @Override
    double dTarget(double x, double y, double p, boolean hasPosWeight) {
        // PyTorch: -x without pos_weight; log sigmoid(-x) - p log sigmoid(x) with it (-+inf at x = +-inf).
        return hasPosWeight ? logSigmoid(-x) - p * logSigmoid(x) : -x;
    }

    /** log sigmoid(z) = min(z, 0) - log1p(exp(-|z|)), as at::log_sigmoid. */
    static double logSigmoid(double z) { return Math.min(z, 0) - Math.log1p(Math.exp(-Math.abs(z))); }
}
