package io.losscl.reference;

import io.losscl.Reduction;

/** Reductions of per-element losses and the matching scale of their gradients, in double. */
public final class Reductions {
    private Reductions() {}

    /** Sum of all values, accumulated in double. */
    public static double sum(double[] values) {
        double s = 0;
        for (double v : values) s += v;
        return s;
    }

    /** {@code none}: the values; {@code sum}: their sum; {@code mean}: their mean (NaN when empty, as PyTorch). */
    public static double[] reduce(double[] perElement, Reduction reduction) {
        switch (reduction) {
            case NONE: return perElement;
            case SUM: return new double[] {sum(perElement)};
            case MEAN: return new double[] {sum(perElement) / perElement.length};
            default: throw new IllegalArgumentException("reduction " + reduction + " is not valid here");
        }
    }

    /** The factor d(reduced)/d(l_i): 1 for none and sum, 1/n for mean. */
    public static double gradScale(Reduction reduction, long n) {
        return reduction == Reduction.MEAN ? 1.0 / n : 1.0;
    }
}
