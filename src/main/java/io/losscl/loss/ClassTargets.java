package io.losscl.loss;

import io.losscl.HostTensor;
import io.losscl.Shape;
import io.losscl.Tensor;

/** Checks shared by the losses that take class-index targets (cross_entropy, nll_loss). */
public final class ClassTargets {
    private ClassTargets() {}

    /**
     * PyTorch's shape rules for class-index targets: input {@code (C)} with a 0-dim target, or
     * {@code (N, C, d1..dK)} with a target {@code (N, d1..dK)}.
     *
     * @return the shape of the unreduced loss (the target's shape)
     */
    static Shape checkShapes(String loss, Tensor input, Tensor target) {
        Shape in = input.shape(), t = target.shape();
        if (in.rank() == 0) throw Checks.invalid(loss, "input must have 1 or more dimensions, got a 0-dim tensor");
        if (in.rank() == 1) {
            if (t.rank() != 0) {
                throw Checks.invalid(loss, "target of shape " + t + " does not fit unbatched input of shape " + in
                        + " (an unbatched input takes a 0-dim target)");
            }
            return t;
        }
        if (t.rank() < 1 || t.dim(0) != in.dim(0)) {
            throw Checks.invalid(loss, "input batch size " + in.dim(0) + " does not match target batch size "
                    + (t.rank() < 1 ? "(0-dim target)" : String.valueOf(t.dim(0))) + " (input " + in + ", target " + t + ")");
        }
        Shape want = in.without(1);
        if (!want.equals(t)) throw Checks.invalid(loss, "target of shape " + t + " does not match input of shape " + in + "; expected " + want);
        return t;
    }

    /** {@code weight}, when given, is a floating vector of one value per class. */
    static void checkWeight(String loss, HostTensor weight, long classes) {
        if (weight == null) return;
        if (!weight.dtype().isFloating()) throw Checks.invalid(loss, "weight must be a floating-point tensor, got " + weight.dtype());
        if (weight.shape().rank() != 1 || weight.shape().dim(0) != classes) {
            throw Checks.invalid(loss, "weight of shape " + weight.shape() + " must have one value for each of the " + classes + " classes");
        }
    }

    /** Host targets: every value is a class in {@code [0, classes)} or {@code ignoreIndex}. Device targets are checked on the device. */
    static void checkValues(String loss, Tensor target, long classes, long ignoreIndex) {
        if (!(target instanceof HostTensor)) return;
        HostTensor h = (HostTensor) target;
        int n = h.shape().numelInt();
        for (int i = 0; i < n; i++) {
            long t = h.getLong(i); // an array or a direct buffer
            if (t != ignoreIndex && (t < 0 || t >= classes)) throw outOfRange(loss, target.shape(), i, t, classes);
        }
    }

    /**
     * Adds {@code mean}'s denominator of class-index targets: the weight of each target class, over the
     * positions not ignored (their count when {@code weight} is null). Reads the targets on the host.
     */
    static void addTargetWeights(Tensor target, HostTensor weight, long ignoreIndex, io.losscl.ExactSum denominator) {
        long[] t = target.toHost().longData();
        for (long c : t) {
            if (c != ignoreIndex) denominator.add(weight == null ? 1.0 : weight.getDouble(Math.toIntExact(c)));
        }
    }

    /** The error for target value {@code value} at flat index {@code flat}. */
    static io.losscl.InvalidArgumentException outOfRange(String loss, Shape shape, long flat, long value, long classes) {
        return Checks.invalid(loss, "target " + value + " at index " + Checks.index(shape, flat) + " is out of range [0, " + classes + ")");
    }

    /** The public form of {@link #outOfRange} for backends that find the bad value on the device. */
    public static io.losscl.InvalidArgumentException targetOutOfRange(String loss, Shape shape, long flat, long value, long classes) {
        return outOfRange(loss, shape, flat, value, classes);
    }
}
