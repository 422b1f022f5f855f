package io.losscl;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor held in a Java array: {@code float[]} for float32, {@code double[]} for float64,
 * {@code long[]} for int64 and {@code short[]} (raw bits) for float16 and bfloat16.
 * The array is shared, not copied: callers must not change it while a loss reads it.
 */
public final class HostTensor implements Tensor {
    private final DType dtype;
    private final Shape shape;
    private final Object data;

    private HostTensor(DType dtype, Shape shape, Object data, int length) {
        this.dtype = Objects.requireNonNull(dtype);
        this.shape = Objects.requireNonNull(shape);
        this.data = data;
        if (shape.numel() != length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.numel() + " elements, data has " + length);
        }
    }

    /** A float32 tensor over {@code data} (not copied). */
    public static HostTensor of(float[] data, long... shape) {
        return new HostTensor(DType.FLOAT32, Shape.of(shape), data, data.length);
    }

    /** A float64 tensor over {@code data} (not copied). */
    public static HostTensor of(double[] data, long... shape) {
        return new HostTensor(DType.FLOAT64, Shape.of(shape), data, data.length);
    }

    /** An int64 tensor over {@code data} (not copied). */
    public static HostTensor of(long[] data, long... shape) {
        return new HostTensor(DType.INT64, Shape.of(shape), data, data.length);
    }

    /** A float16 or bfloat16 tensor over raw 16-bit patterns (not copied). */
    public static HostTensor ofHalfBits(DType dtype, short[] bits, long... shape) {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) {
            throw new IllegalArgumentException("ofHalfBits takes float16 or bfloat16, not " + dtype);
        }
        return new HostTensor(dtype, Shape.of(shape), bits, bits.length);
    }

    /** A tensor of {@code dtype} whose elements are {@code values} rounded to that type. */
    public static HostTensor fromDoubles(DType dtype, Shape shape, double[] values) {
        int n = values.length;
        switch (dtype) {
            case FLOAT32: {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float) values[i];
                return new HostTensor(dtype, shape, f, n);
            }
            case FLOAT64:
                return new HostTensor(dtype, shape, values.clone(), n);
            case FLOAT16:
            case BFLOAT16: {
                short[] s = new short[n];
                for (int i = 0; i < n; i++) s[i] = dtype == DType.FLOAT16 ? Half.fromDouble(values[i]) : BFloat16.fromDouble(values[i]);
                return new HostTensor(dtype, shape, s, n);
            }
            case INT64: {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    if (values[i] != Math.rint(values[i])) throw new IllegalArgumentException("int64 tensor given non-integer " + values[i]);
                    l[i] = (long) values[i];
                }
                return new HostTensor(dtype, shape, l, n);
            }
            default:
                throw new AssertionError(dtype);
        }
    }

    /** A tensor of zeros. */
    public static HostTensor zeros(DType dtype, Shape shape) {
        int n = shape.numelInt();
        switch (dtype) {
            case FLOAT32: return new HostTensor(dtype, shape, new float[n], n);
            case FLOAT64: return new HostTensor(dtype, shape, new double[n], n);
            case INT64: return new HostTensor(dtype, shape, new long[n], n);
            default: return new HostTensor(dtype, shape, new short[n], n);
        }
    }

    /** A copy of rows {@code [from, to)} of dimension 0 (for cutting a batch into slices). */
    public HostTensor sliceRows(long from, long to) {
        if (shape.rank() == 0 || from < 0 || to < from || to > shape.dim(0)) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a tensor of shape " + shape);
        }
        long[] dims = shape.dims();
        dims[0] = to - from;
        Shape s = Shape.of(dims);
        HostTensor out = zeros(dtype, s);
        long row = shape.product(1, shape.rank());
        System.arraycopy(data, Math.toIntExact(from * row), out.data, 0, s.numelInt());
        return out;
    }

    /** Copies {@code src}'s elements into {@code dst} (same dtype and number of elements). */
    static void copy(HostTensor src, HostTensor dst) {
        if (src.dtype != dst.dtype || src.numel() != dst.numel()) {
            throw new IllegalArgumentException("cannot copy " + src + " into a " + dst.dtype + " tensor of shape " + dst.shape);
        }
        System.arraycopy(src.data, 0, dst.data, 0, dst.shape.numelInt());
    }

    @Override public DType dtype() { return dtype; }
    @Override public Shape shape() { return shape; }
    @Override public HostTensor toHost() { return this; }

    /** Element {@code i} (row-major flat index) as a double; exact for every floating type. */
    public double getDouble(int i) {
        switch (dtype) {
            case FLOAT32: return ((float[]) data)[i];
            case FLOAT64: return ((double[]) data)[i];
            case INT64: return ((long[]) data)[i];
            case FLOAT16: return Half.toDouble(((short[]) data)[i]);
            case BFLOAT16: return BFloat16.toDouble(((short[]) data)[i]);
            default: throw new AssertionError(dtype);
        }
    }

    /** Element {@code i} of an int64 tensor. */
    public long getLong(int i) {
        if (dtype != DType.INT64) throw new IllegalStateException("getLong on a " + dtype + " tensor");
        return ((long[]) data)[i];
    }

    /** All elements as doubles (a new array). */
    public double[] toDoubleArray() {
        int n = shape.numelInt();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = getDouble(i);
        return out;
    }

    /** The backing array of a float32 tensor (shared). */
    public float[] floatData() { return (float[]) requireType(DType.FLOAT32); }

    /** The backing array of a float64 tensor (shared). */
    public double[] doubleData() { return (double[]) requireType(DType.FLOAT64); }

    /** The backing array of an int64 tensor (shared). */
    public long[] longData() { return (long[]) requireType(DType.INT64); }

    /** The backing raw bits of a float16/bfloat16 tensor (shared). */
    public short[] halfBits() {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) throw new IllegalStateException("halfBits on a " + dtype + " tensor");
        return (short[]) data;
    }

    /** The backing array, whatever its type (shared). */
    public Object array() { return data; }

    /** The single element of a one-element tensor, as a double. */
    public double item() {
        if (shape.numel() != 1) throw new IllegalStateException("item() on a tensor of shape " + shape);
        return getDouble(0);
    }

    private Object requireType(DType t) {
        if (dtype != t) throw new IllegalStateException("expected a " + t + " tensor, this one is " + dtype);
        return data;
    }

    @Override
    public String toString() {
        int n = (int) Math.min(shape.numel(), 8);
        double[] head = new double[n];
        for (int i = 0; i < n; i++) head[i] = getDouble(i);
        return "HostTensor(" + dtype + ", " + shape + ", " + Arrays.toString(head) + (shape.numel() > 8 ? "..." : "") + ")";
    }
}
