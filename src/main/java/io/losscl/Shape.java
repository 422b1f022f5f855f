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

    /** The scalar shape {@code []}. */
    public static Shape scalar() { return new Shape(new long[0]); }

    /** Number of dimensions. */
    public int rank() { return dims.length; }

    /** Size of dimension {@code i}; negative {@code i} counts from the end as in PyTorch. */
    public long dim(int i) { return dims[i < 0 ? dims.length + i : i]; }

    /** A copy of the dimensions. */
    public long[] dims() { return dims.clone(); }

    /** Number of elements (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : dims) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Number of elements as an int, or an error if the tensor is too large for a Java array. */
    public int numelInt() { return Math.toIntExact(numel()); }

    /** Product of dimensions {@code [from, to)}. */
    public long product(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) n *= dims[i];
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
