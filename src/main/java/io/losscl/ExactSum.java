package io.losscl;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The exact sum of doubles, as a Shewchuk expansion: non-overlapping components whose (unrounded) sum
 * is the sum of everything added, with no rounding error at all (Python's {@code math.fsum}). Because
 * the value held is exact, it does not depend on the order the terms were added or on how sums of parts
 * were {@link #add(ExactSum) merged}; {@link #value()} rounds it once, correctly, so the double it gives is
 * bitwise the same for any split and any order.
 *
 * <p>Non-finite terms are kept apart: a NaN, or both infinities, make the value NaN; one infinity makes it
 * that infinity. A finite sum whose running total leaves the double range (beyond 1e308, far from any
 * loss) becomes infinite, or NaN if it later comes back. Mutable, not thread-safe.
 */
public final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Non-overlapping components in increasing magnitude; only the first {@code size} are used. */
    private double[] parts = new double[4];
    private int size;
    /** The sum of the non-finite terms (NaN, +-inf), or 0 while there are none. */
    private double special;

    /** An empty sum (value 0). */
    public ExactSum() {}

    /** A copy of {@code other}. */
    public ExactSum(ExactSum other) {
        this.parts = Arrays.copyOf(other.parts, Math.max(4, other.size));
        this.size = other.size;
        this.special = other.special;
    }

    /** Adds {@code x} exactly. */
    public ExactSum add(double x) {
        if (!Double.isFinite(x)) {
            special += x;
            return this;
        }
        // Grow-expansion (Shewchuk 1997): two-sum x into each component, keeping the non-zero low parts.
        int kept = 0;
        for (int i = 0; i < size; i++) {
            double y = parts[i];
            if (Math.abs(x) < Math.abs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y;
            double lo = y - (hi - x);
            if (lo != 0.0) parts[kept++] = lo;
            x = hi;
        }
        if (!Double.isFinite(x)) {
            // The finite terms overflow the double range: their exact sum is still far beyond it.
            special += x;
            size = 0;
            return this;
        }
        if (kept == parts.length) parts = Arrays.copyOf(parts, 2 * kept);
        parts[kept++] = x;
        size = kept;
        return this;
    }

    /** Adds every element of {@code values}. */
    public ExactSum addAll(HostTensor values) {
        if (values.dtype() == DType.FLOAT32) {
            for (float v : values.floatData()) add(v);
        } else if (values.dtype() == DType.FLOAT64) {
            for (double v : values.doubleData()) add(v);
        } else {
            int n = Math.toIntExact(values.numel());
            for (int i = 0; i < n; i++) add(values.getDouble(i));
        }
        return this;
    }

    /** Adds the exact value of {@code other} (merging two partial sums). */
    public ExactSum add(ExactSum other) {
        for (int i = 0; i < other.size; i++) add(other.parts[i]);
        if (other.special != 0.0 || Double.isNaN(other.special)) special += other.special;
        return this;
    }

    /** The exact sum rounded once to the nearest double (ties to even). */
    public double value() {
        if (special != 0.0 || Double.isNaN(special)) return special;
        if (size == 0) return 0.0;
        // Python's fsum: add the components from the largest down while the sum is exact, then correct the
        // half-way case by the sign of what is left below.
        int i = size - 1;
        double hi = parts[i];
        double lo = 0.0;
        while (i > 0) {
            double x = hi;
            double y = parts[--i];
            hi = x + y;
            double yr = hi - x;
            lo = y - yr;
            if (lo != 0.0) break;
        }
        if (i > 0 && ((lo < 0.0 && parts[i - 1] < 0.0) || (lo > 0.0 && parts[i - 1] > 0.0))) {
            double y = lo * 2.0;
            double x = hi + y;
            double yr = x - hi;
            if (y == yr) hi = x;
        }
        return hi;
    }

    @Override
    public String toString() { return "ExactSum(" + value() + ", " + size + " components)"; }
}
