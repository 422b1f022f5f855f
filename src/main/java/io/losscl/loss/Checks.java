package io.losscl.loss;

import io.losscl.DType;
import io.losscl.InvalidArgumentException;
import io.losscl.LossInputs;
import io.losscl.Shape;
import io.losscl.Tensor;

/** Input checks shared by the loss specifications; every message starts with the loss's name. */
public final class Checks {
    private Checks() {}

    /** An error for {@code loss}: {@code "<loss>: <message>"}. */
    public static InvalidArgumentException invalid(String loss, String message) {
        return new InvalidArgumentException(loss + ": " + message);
    }

    /** The floating-point input {@code name}. */
    public static Tensor floating(String loss, LossInputs inputs, String name) {
        Tensor t = inputs.require(loss, name);
        if (!t.dtype().isFloating()) {
            throw invalid(loss, name + " must be a floating-point tensor, got " + t.dtype() + " of shape " + t.shape());
        }
        return t;
    }

    /** The int64 input {@code name}. */
    public static Tensor int64(String loss, LossInputs inputs, String name) {
        Tensor t = inputs.require(loss, name);
        if (t.dtype() != DType.INT64) {
            throw invalid(loss, name + " must be an int64 tensor, got " + t.dtype() + " of shape " + t.shape());
        }
        return t;
    }

    /** {@code b} has the shape of {@code a}. */
    public static void sameShape(String loss, String aName, Tensor a, String bName, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw invalid(loss, bName + " of shape " + b.shape() + " does not match " + aName + " of shape " + a.shape());
        }
    }

    /** Floating tensors {@code a} and {@code b} have one dtype (PyTorch's kernels require it). */
    public static void sameDtype(String loss, String aName, Tensor a, String bName, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw invalid(loss, bName + " is " + b.dtype() + " but " + aName + " is " + a.dtype() + "; they must have the same dtype");
        }
    }

    /**
     * Shapes {@code a} and {@code b} broadcast together (PyTorch's rules: aligned at the trailing
     * dimension, each pair of sizes equal or one of them 1); else PyTorch's complaint, naming both.
     */
    public static void broadcastTogether(String loss, String aName, Shape a, String bName, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        for (int i = 1; i <= r; i++) {
            long x = i <= a.rank() ? a.dim(-i) : 1;
            long y = i <= b.rank() ? b.dim(-i) : 1;
            if (x != y && x != 1 && y != 1) {
                throw invalid(loss, bName + " of shape " + b + " cannot be broadcast with " + aName + " of shape " + a
                        + ": the size of " + bName + " (" + y + ") must match the size of " + aName + " (" + x
                        + ") at non-singleton dimension " + (r - i));
            }
        }
    }

    /** A floating option tensor broadcastable to {@code target} (trailing dimensions equal or 1). */
    public static void broadcastable(String loss, String name, Shape small, Shape target) {
        if (small.rank() > target.rank()) {
            throw invalid(loss, name + " of shape " + small + " cannot be broadcast to shape " + target);
        }
        for (int i = 1; i <= small.rank(); i++) {
            long s = small.dim(-i), t = target.dim(-i);
            if (s != t && s != 1) {
                throw invalid(loss, name + " of shape " + small + " cannot be broadcast to shape " + target
                        + " (dimension " + (small.rank() - i) + " is " + s + ", expected " + t + " or 1)");
            }
        }
    }

    /** Formats a flat index of {@code shape} as PyTorch's multi-index, e.g. {@code [3, 1]}. */
    public static String index(Shape shape, long flat) {
        int r = shape.rank();
        long[] idx = new long[r];
        for (int i = r - 1; i >= 0; i--) {
            long d = shape.dim(i);
            idx[i] = d == 0 ? 0 : flat % d;
            flat = d == 0 ? 0 : flat / d;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < r; i++) sb.append(i == 0 ? "" : ", ").append(idx[i]);
        return sb.append(']').toString();
    }
}
