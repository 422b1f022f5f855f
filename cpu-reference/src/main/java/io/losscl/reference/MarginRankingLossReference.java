package io.losscl.reference;

import io.losscl.loss.MarginRankingLoss;

/**
 * margin_ranking_loss: {@code l = max(0, u)} with {@code u = -y (x1 - x2) + margin}; with
 * {@code a = [u >= 0]}: {@code dl/dx1 = -a y}, {@code dl/dx2 = a y}, {@code dl/dy = -a (x1 - x2)}
 * (products as autograd forms them, so 0 * inf is NaN as in PyTorch).
 */
public final class MarginRankingLossReference extends ElementwiseReference<MarginRankingLoss> {
    @Override
    protected double value(MarginRankingLoss loss, double[] x) {
        double u = -x[2] * (x[0] - x[1]) + loss.margin();
        return u < 0 ? 0 : u;
    }

    @Override
    protected double derivative(MarginRankingLoss loss, double[] x, int k) {
        double u = -x[2] * (x[0] - x[1]) + loss.margin();
        double a = u >= 0 ? 1 : 0;
        switch (k) {
            case 0: return a * -x[2];
            case 1: return -(a * -x[2]);
            default: return -(a * (x[0] - x[1]));
        }
    }
}
