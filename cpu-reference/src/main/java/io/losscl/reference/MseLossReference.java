package io.losscl.reference;

import io.losscl.loss.MseLoss;

/** mse_loss: {@code l = (x - y)^2}; {@code dl/dx = 2 (x - y) = -dl/dy}. */
public final class MseLossReference extends ElementwiseReference<MseLoss> {
    @Override
    protected double value(MseLoss loss, double[] x) {
        double d = x[0] - x[1];
        return d * d;
    }

    @Override
    protected double derivative(MseLoss loss, double[] x, int k) {
        double d = 2 * (x[0] - x[1]);
        return k == 0 ? d : -d;
    }
}
