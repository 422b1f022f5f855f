package io.losscl;

import java.util.Arrays;

/** An immutable tensor shape; {@code []} is a scalar with one element. */
public final class Shape {
    private final long[] dims;

    private Shape(long[] dims) {
        for (long d : dims) {
            if (d < 0) throw new InvalidArgumentException("negative dimension in shape " + Arrays.toString(dims));
        }
        this.dims = dims;
    }

    /** A shape with the given dimensions. */
    public static Shape of(long... dims) {
        if (dims == null) throw new InvalidArgumentException("Shape.of: dims is null");
        return new Shape(dims.clone());
    }

    /** The scalar shape {@code []} (one instance: shapes are immutable). */
    public static Shape scalar() { return SCALAR; }

    private static final Shape SCALAR = new Shape(new long[0]);

    /** Number of dimensions. */
    public int rank() { return dims.length; }

    /** Size of dimension {@code i}; negative {@code i} counts from the end as in PyTorch. */
    public long dim(int i) { return dims[i < 0 ? dims.length + i : i]; }

    /** A copy of the dimensions. */
    public long[] dims() { return dims.clone(); }

    /**
     * Number of elements (1 for a scalar, 0 when any dimension is 0, however large the others).
     *
     * @throws InvalidArgumentException when the count exceeds {@code Long.MAX_VALUE}
     */
    public long numel() { return product(0, dims.length); }

    /** True when the element count fits a long ({@link #numel} would not throw). */
    public boolean hasCountableSize() { return productOrMinusOne(0, dims.length) >= 0; }

    /**
     * Number of elements as an int.
     *
     * @throws InvalidArgumentException when the tensor is too large for one Java array
     */
    public int numelInt() {
        long n = numel();
        if (n > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("shape " + this + " has " + n + " elements, more than one Java array holds (2^31 - 1)");
        }
        return (int) n;
    }

    /**
     * Product of dimensions {@code [from, to)}; 0 when one of them is 0.
     *
     * @throws InvalidArgumentException when the product exceeds {@code Long.MAX_VALUE}
     */
    public long product(int from, int to) {
        long n = productOrMinusOne(from, to);
        if (n < 0) throw new InvalidArgumentException("shape " + this + " has more than 2^63 - 1 elements");
        return n;
    }

    /** The product of dimensions {@code [from, to)}, or -1 when it overflows a long (a zero dimension wins). */
    private long productOrMinusOne(int from, int to) {
        for (int i = from; i < to; i++) if (dims[i] == 0) return 0;
        long n = 1;
        for (int i = from; i < to; i++) {
            if (n > Long.MAX_VALUE / dims[i]) return -1;
            n *= dims[i];
        }
        return n;
    }

    /** This shape without dimension {@code i}. */
    public Shape without(int i) {
        long[] d = new long[dims.length - 1];
        for (int k = 0, j = 0; k < dims.length; k++) if (k != i) d[j++] = dims[k];
        return new Shape(d);
    }

    /** This shape with its leading {@code n} dimensions dropped. */
    public Shape dropLeading(int n) { return new Shape(Arrays.copyOfRange(dims, n, dims.length)); }

    /** This shape with its trailing {@code n} dimensions dropped. */
    public Shape dropTrailing(int n) { return new Shape(Arrays.copyOfRange(dims, 0, dims.length - n)); }

    @Override
    public boolean equals(Object o) { return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims); }

    @Override
    public int hashCode() { return Arrays.hashCode(dims); }

    /** PyTorch's style: {@code [4, 5]}. */
    @Override
    public String toString() { return Arrays.toString(dims); }
}
