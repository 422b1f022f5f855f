package io.losscl.loss;

import io.losscl.Shape;

/**
 * How a tensor with a class dimension splits into rows of {@code classes} values: {@code outer} x
 * {@code classes} x {@code inner}, row-major. Element {@code c} of row {@code r = n * inner + d} sits at
 * flat index {@code (n * classes + c) * inner + d}: for {@code (N, C, d1..dK)} inputs the classes of one
 * position are strided by {@code inner = d1 * ... * dK}; for {@code (C)} and last-dimension layouts
 * {@code inner = 1}.
 */
public final class ClassRows {
    private final long outer;
    private final long classes;
    private final long inner;

    private ClassRows(long outer, long classes, long inner) {
        this.outer = outer;
        this.classes = classes;
        this.inner = inner;
    }

    /** PyTorch's loss layout: {@code (C)} is one row; {@code (N, C, d1..dK)} has the classes in dimension 1. */
    public static ClassRows classDim1(Shape input) {
        if (input.rank() == 1) return new ClassRows(1, input.dim(0), 1);
        return new ClassRows(input.dim(0), input.dim(1), input.product(2, input.rank()));
    }

    /** {@code torch.distributions} layout: the last dimension holds the classes. */
    public static ClassRows lastDim(Shape input) {
        return new ClassRows(input.product(0, input.rank() - 1), input.dim(-1), 1);
    }

    /** Product of the dimensions before the class dimension. */
    public long outer() { return outer; }
    /** Number of classes {@code C}. */
    public long classes() { return classes; }
    /** Product of the dimensions after the class dimension. */
    public long inner() { return inner; }

    /** Number of rows, {@code outer * inner}. */
    public long rows() { return outer * inner; }

    /** Flat index of the first element of row {@code r}; its class {@code c} is at {@code base + c * inner}. */
    public long base(long r) {
        long n = r / inner, d = r - n * inner;
        return n * classes * inner + d;
    }
}
