package io.losscl.reference;

import io.losscl.loss.HingeEmbeddingLoss;

/**
 * hinge_embedding_loss, as PyTorch composes it: {@code l = [y != 1] max(0, margin - x) + [y != -1] x}
 * (NaN stays NaN through the clamp); {@code dl/dx = [y != -1] - [y != 1][margin - x >= 0]}; the
 * target only selects terms (no gradient: 0).
 */
public final class HingeEmbeddingLossReference extends ElementwiseReference<HingeEmbeddingLoss> {
    @Override
    protected double value(HingeEmbeddingLoss loss, double[] x) {
        double c = loss.margin() - x[0];
        double clamped = c < 0 ? 0 : c;
        return (x[1] != 1 ? clamped : 0) + (x[1] != -1 ? x[0] : 0);
    }

    @Override
    protected double derivative(HingeEmbeddingLoss loss, double[] x, int k) {
        if (k != 0) return 0;
        double c = loss.margin() - x[0];
        return (x[1] != -1 ? 1 : 0) - (x[1] != 1 && c >= 0 ? 1 : 0);
    }
}
