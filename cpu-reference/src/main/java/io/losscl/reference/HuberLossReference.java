package io.losscl.reference;

import io.losscl.loss.HuberLoss;

/**
 * huber_loss: {@code z = |x - y|}, {@code l = z < delta ? z^2 / 2 : delta (z - delta / 2)};
 * {@code dl/dx = clamp(x - y, -delta, delta)}, {@code dl/dy} the same function of {@code y - x}.
 */
public final class HuberLossReference extends ElementwiseReference<HuberLoss> {
    @Override
    protected double value(HuberLoss loss, double[] x) {
        double delta = loss.delta();
        double z = Math.abs(x[0] - x[1]);
        return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
    }

    @Override
    protected double derivative(HuberLoss loss, double[] x, int k) {
        double d = k == 0 ? x[0] - x[1] : x[1] - x[0];
        double delta = loss.delta();
        return d <= -delta ? -delta : d >= delta ? delta : d;
    }
}
