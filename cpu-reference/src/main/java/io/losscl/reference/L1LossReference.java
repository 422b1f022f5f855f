package io.losscl.reference;

import io.losscl.loss.L1Loss;

/** l1_loss: {@code l = |x - y|}; {@code dl/dx = sign(x - y) = -dl/dy} (0 at x = y, and 0 where
 * x - y is NaN: PyTorch's sign() backward gives 0 there, see the golden case l1-nonfinite-none). */
public final class L1LossReference extends ElementwiseReference<L1Loss> {
    @Override
    protected double value(L1Loss loss, double[] x) {
        return Math.abs(x[0] - x[1]);
    }

    @Override
    protected double derivative(L1Loss loss, double[] x, int k) {
        double d = x[0] - x[1];
        double s = Double.isNaN(d) ? 0.0 : Math.signum(d);
        return k == 0 ? s : -s;
    }
}
