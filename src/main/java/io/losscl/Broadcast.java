package io.losscl;

/**
 * PyTorch's broadcasting rules: shapes align at their trailing dimensions, and each pair of sizes
 * must be equal or contain a 1. Used by the specifications (output shapes), the reference (index
 * mapping) and the kernels (a map buffer read by {@code bcast_index} in common.cl).
 */
public final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of {@code a} and {@code b}, or {@code null} when they do not broadcast. */
    public static Shape shapes(Shape a, Shape b) {
        if (a.equals(b)) return a; // the common case, without an array
        int r = Math.max(a.rank(), b.rank());
        long[] d = new long[r];
        for (int i = 1; i <= r; i++) {
            long x = i <= a.rank() ? a.dim(-i) : 1;
            long y = i <= b.rank() ? b.dim(-i) : 1;
            if (x != y && x != 1 && y != 1) return null;
            d[r - i] = x == 1 ? y : x;
        }
        return Shape.of(d);
    }

    /** True when {@code small} broadcasts to {@code out} without changing {@code out}. */
    public static boolean broadcastsTo(Shape small, Shape out) {
        Shape s = shapes(small, out);
        return s != null && s.equals(out);
    }

    /**
     * Strides of {@code small} aligned to the dimensions of {@code out}: 0 where {@code small} is
     * broadcast (missing or of size 1), so that element {@code [i0..ik]} of {@code out} reads
     * {@code small[sum(i_d * stride_d)]}.
     */
    public static long[] strides(Shape small, Shape out) {
        int r = out.rank();
        long[] strides = new long[r];
        long stride = 1;
        for (int i = 1; i <= r; i++) {
            long size = i <= small.rank() ? small.dim(-i) : 1;
            strides[r - i] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return strides;
    }

    /** The flat index into {@code small} (given by its {@link #strides}) read by flat element {@code flat} of {@code out}. */
    public static long index(long flat, Shape out, long[] strides) {
        long idx = 0;
        for (int d = out.rank() - 1; d >= 0; d--) {
            long dim = out.dim(d);
            idx += (flat % dim) * strides[d];
            flat /= dim;
        }
        return idx;
    }

    /**
     * Which element of {@code small} each flat element of {@code out} reads: {@link IndexMap#at}. Where the shapes
     * are equal that is the element itself, without the division per dimension {@link #index} makes.
     */
    public static IndexMap map(Shape small, Shape out) {
        return new IndexMap(out, small.equals(out) ? null : strides(small, out));
    }

    /** {@link #map}'s result. */
    public static final class IndexMap {
        private final Shape out;
        private final long[] strides; // null: the identity

        private IndexMap(Shape out, long[] strides) {
            this.out = out;
            this.strides = strides;
        }

        /** The flat index into the small shape read by flat element {@code flat} of the broadcast shape. */
        public int at(long flat) { return (int) (strides == null ? flat : index(flat, out, strides)); }
    }

    /** The map buffer for {@code bcast_index} in common.cl: {@code [rank, dims..., strides...]}. */
    public static long[] kernelMap(Shape small, Shape out) {
        int r = out.rank();
        long[] m = new long[1 + 2 * r];
        m[0] = r;
        long[] s = strides(small, out);
        for (int d = 0; d < r; d++) {
            m[1 + d] = out.dim(d);
            m[1 + r + d] = s[d];
        }
        return m;
    }
}
