package io.losscl.reference;

import io.losscl.loss.PoissonNllLoss;
import io.losscl.loss.PoissonNllLoss.InputSpace;

/**
 * poisson_nll_loss: {@code l = exp(x) - y x} (log input) or {@code x - y log(x + eps)} (rate input),
 * plus with {@code full} the Stirling term {@code y log y - y + 0.5 log(2 pi y)} where {@code y > 1}.
 * Derivatives: {@code dl/dx = exp(x) - y} or {@code 1 - y / (x + eps)}; {@code dl/dy = -x} or
 * {@code -log(x + eps)}, plus {@code log y + 0.5 / y} where {@code y > 1} with full, and — PyTorch's
 * autograd through the masked term — NaN where {@code y <= 0} (0 * log 0), 0 for {@code 0 < y <= 1}.
 */
public final class PoissonNllLossReference extends ElementwiseReference<PoissonNllLoss> {
    @Override
    protected double value(PoissonNllLoss loss, double[] x) {
        double in = x[0], y = x[1];
        double l = loss.inputSpace() == InputSpace.LOG ? Math.exp(in) - y * in : in - y * Math.log(in + loss.eps());
        if (loss.full() && !(y <= 1)) l += y * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI * y);
        return l;
    }

    @Override
    protected double derivative(PoissonNllLoss loss, double[] x, int k) {
        double in = x[0], y = x[1];
        boolean log = loss.inputSpace() == InputSpace.LOG;
        if (k == 0) return log ? Math.exp(in) - y : 1 - y / (in + loss.eps());
        double g = log ? -in : -Math.log(in + loss.eps());
        if (loss.full()) g += !(y <= 1) ? Math.log(y) + 0.5 / y : (y > 0 ? 0 : Double.NaN);
        return g;
    }
}
