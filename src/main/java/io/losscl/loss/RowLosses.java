package io.losscl.loss;

import io.losscl.Broadcast;
import io.losscl.InvalidArgumentException;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;

/** Checks shared by the row-wise losses (multi-margin, multi-label, triplet): one loss per row of the last dimension. */
public final class RowLosses {
    private RowLosses() {}

    static Reduction noBatchmean(String loss, Reduction r) {
        if (r == null) throw new InvalidArgumentException(loss + ": reduction must not be null");
        if (r == Reduction.BATCHMEAN) throw new InvalidArgumentException(loss + ": reduction 'batchmean' is only valid for kl_div");
        return r;
    }

    /** PyTorch's check of the margin losses: a non-empty vector, a matrix (N, C) with C > 0 and N >= 0, or a scalar. */
    static void vectorOrMatrix(String loss, Tensor input) {
        Shape s = input.shape();
        int nd = s.rank();
        boolean ok = (nd == 2 && s.dim(1) != 0) || nd == 0 || (nd == 1 && s.dim(0) != 0);
        if (!ok) {
            throw Checks.invalid(loss, "Expected non-empty vector or matrix with optional 0-dim batch size, but got: " + s);
        }
    }

    /** Whether {@code weight} (an option, may be null) has {@code input}'s rank and the batch's {@code rows} (more than 1) in dimension 0. */
    static boolean hasBatchDim(Tensor weight, Tensor input, long rows) {
        return weight != null && rows > 1 && weight.shape().rank() == input.shape().rank() && weight.shape().dim(0) == rows;
    }

    /** Number of rows of a margin-loss input (1 for a vector or scalar). */
    public static long frames(Shape s) { return s.rank() <= 1 ? 1 : s.dim(0); }

    /** Number of classes of a margin-loss input (1 for a scalar). */
    public static long classes(Shape s) { return s.rank() == 0 ? 1 : s.dim(s.rank() - 1); }

    /** The broadcast shape of several tensors, with PyTorch's message when they do not broadcast. */
    static Shape broadcast(String loss, String[] names, Shape... shapes) {
        Shape out = shapes[0];
        for (int k = 1; k < shapes.length; k++) {
            Shape b = Broadcast.shapes(out, shapes[k]);
            if (b == null) {
                // PyTorch: "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 1"
                int r = Math.max(out.rank(), shapes[k].rank());
                for (int i = 1; i <= r; i++) {
                    long x = i <= out.rank() ? out.dim(-i) : 1, y = i <= shapes[k].rank() ? shapes[k].dim(-i) : 1;
                    if (x != y && x != 1 && y != 1) {
                        throw Checks.invalid(loss, names[k] + " of shape " + shapes[k] + " cannot be broadcast with " + names[0]
                                + " of shape " + shapes[0] + ": the size of tensor a (" + x + ") must match the size of tensor b ("
                                + y + ") at non-singleton dimension " + (r - i));
                    }
                }
            }
            out = b;
        }
        return out;
    }
}
