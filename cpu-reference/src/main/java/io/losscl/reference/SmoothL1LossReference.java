package io.losscl.reference;

import io.losscl.loss.SmoothL1Loss;

/**
 * smooth_l1_loss: {@code z = |x - y|}, {@code l = z < beta ? z^2 / (2 beta) : z - beta / 2} ({@code |x - y|}
 * for beta = 0); {@code dl/dx = d <= -beta ? -1 : d >= beta ? 1 : d / beta} with {@code d = x - y},
 * {@code dl/dy} the same function of {@code y - x} (PyTorch's backward kernel, ties included).
 */
public final class SmoothL1LossReference extends ElementwiseReference<SmoothL1Loss> {
    @Override
    protected double value(SmoothL1Loss loss, double[] x) {
        double beta = loss.beta();
        double z = Math.abs(x[0] - x[1]);
        return z < beta ? 0.5 * z * z / beta : z - 0.5 * beta;
    }

    @Override
    protected double derivative(SmoothL1Loss loss, double[] x, int k) {
        double d = k == 0 ? x[0] - x[1] : x[1] - x[0];
        double beta = loss.beta();
        return d <= -beta ? -1 : d >= beta ? 1 : d / beta;
    }
}
