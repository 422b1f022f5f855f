package io.losscl.reference;

import io.losscl.loss.GaussianNllLoss;

/**
 * gaussian_nll_loss: with {@code v = max(var, eps)} (NaN stays NaN) and {@code d = x - y},
 * {@code l = 0.5 (log v + d^2 / v)} (+ {@code 0.5 log(2 pi)} with full); every derivative is taken at
 * the clamped {@code v} as PyTorch's no-grad clamp gives: {@code dl/dx = d / v = -dl/dy},
 * {@code dl/dvar = 0.5 (1 / v - d^2 / v^2)}.
 */
public final class GaussianNllLossReference extends ElementwiseReference<GaussianNllLoss> {
    private static double clamped(GaussianNllLoss loss, double var) {
        return var < loss.eps() ? loss.eps() : var;
    }

    @Override
    protected double value(GaussianNllLoss loss, double[] x) {
        double v = clamped(loss, x[2]);
        double d = x[0] - x[1];
        double l = 0.5 * (Math.log(v) + d * d / v);
        return loss.full() ? l + 0.5 * Math.log(2 * Math.PI) : l;
    }

    @Override
    protected double derivative(GaussianNllLoss loss, double[] x, int k) {
        double v = clamped(loss, x[2]);
        double d = x[0] - x[1];
        switch (k) {
            case 0: return d / v;
            case 1: return -d / v;
            default: return 0.5 * (1 / v - d * d / (v * v));
        }
    }
}
