package io.losscl.reference;

import io.losscl.loss.L1Loss;

/** l1_loss: {@code l = |x - y|}; {@code dl/dx = sign(x - y) = -dl/dy} (0 at x = y, NaN for NaN). */
public final class L1LossReference extends ElementwiseReference<L1Loss> {
    @Override
    protected double value(L1Loss loss, double[] x) {
        return Math.abs(x[0] - x[1]);
    }

    @Override
    protected double derivative(L1Loss loss, double[] x, int k) {
        double s = Math.signum(x[0] - x[1]);
        return k == 0 ? s : -s;
    }
}
