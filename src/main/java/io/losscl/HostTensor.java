package io.losscl;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * A tensor in host memory, dense and row-major: a Java array ({@code float[]} for float32,
 * {@code double[]} for float64, {@code long[]} for int64, {@code short[]} raw bits for float16 and
 * bfloat16) or a direct (off-heap) NIO buffer.
 *
 * <p><b>Wrapped, not copied:</b> the factories {@code of(...)} keep the caller's array or buffer (only
 * {@link #of(int[], long...)} and {@link #fromDoubles} copy). Do not change it while a loss reads it.
 * A direct buffer above 4 MiB is read by the device without an intermediate copy where the device shares
 * host memory (OpenCL CPU devices under the CPU profile: the buffer is handed to OpenCL with
 * {@code CL_MEM_USE_HOST_PTR}); a smaller one is copied into the engine's own host-backed buffer there, and
 * elsewhere every one is copied to the device straight from the buffer.
 */
public final class HostTensor implements Tensor {
    private final DType dtype;
    private final Shape shape;
    /** An array of the dtype's Java type, or a direct buffer in native byte order (for OpenCL). */
    private final Object data;
    /** For a direct buffer: a typed view of it at position 0 (absolute reads only); null for an array. */
    private final Buffer typed;

    private HostTensor(DType dtype, Shape shape, Object data, long length) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.typed = data instanceof Buffer ? typedView(dtype, (Buffer) data) : null;
        if (shape.numel() != length) {
            throw new InvalidArgumentException("HostTensor: shape " + shape + " needs " + shape.numel() + " elements, the data has " + length);
        }
    }

    private static Shape shapeOf(long[] shape) {
        if (shape == null) throw new InvalidArgumentException("HostTensor: shape is null");
        return Shape.of(shape);
    }

    private static <T> T nonNull(T data) {
        if (data == null) throw new InvalidArgumentException("HostTensor: data is null");
        return data;
    }

    /**
     * A float32 tensor over {@code data} (not copied).
     *
     * @param data the elements, row-major
     * @param shape the dimensions; their product must be {@code data.length} (none: a scalar)
     * @return the tensor
     * @throws InvalidArgumentException when the shape does not fit the data
     */
    public static HostTensor of(float[] data, long... shape) {
        return new HostTensor(DType.FLOAT32, shapeOf(shape), nonNull(data), data.length);
    }

    /**
     * A float64 tensor over {@code data} (not copied).
     *
     * @param data the elements, row-major
     * @param shape the dimensions; their product must be {@code data.length}
     * @return the tensor
     */
    public static HostTensor of(double[] data, long... shape) {
        return new HostTensor(DType.FLOAT64, shapeOf(shape), nonNull(data), data.length);
    }

    /**
     * An int64 tensor over {@code data} (not copied): class indices, lengths.
     *
     * @param data the elements, row-major
     * @param shape the dimensions; their product must be {@code data.length}
     * @return the tensor
     */
    public static HostTensor of(long[] data, long... shape) {
        return new HostTensor(DType.INT64, shapeOf(shape), nonNull(data), data.length);
    }

    /**
     * An int64 tensor with the values of {@code labels}, e.g. class indices kept as {@code int[]}. Copied
     * (widened to {@code long[]}): PyTorch's index type, and what the kernels read, is int64.
     *
     * @param labels the elements, row-major
     * @param shape the dimensions; their product must be {@code labels.length}
     * @return the tensor
     */
    public static HostTensor of(int[] labels, long... shape) {
        long[] l = new long[nonNull(labels).length];
        for (int i = 0; i < l.length; i++) l[i] = labels[i];
        return new HostTensor(DType.INT64, shapeOf(shape), l, l.length);
    }

    /**
     * A float32 tensor over a direct {@link FloatBuffer}'s elements from its position to its limit (not
     * copied). The buffer must be in native byte order ({@code ByteBuffer.allocateDirect(n)
     * .order(ByteOrder.nativeOrder()).asFloatBuffer()}).
     *
     * @param data a direct buffer in native byte order
     * @param shape the dimensions; their product must be {@code data.remaining()}
     * @return the tensor
     * @throws InvalidArgumentException for a heap buffer (use {@link #of(float[], long...)}) or another byte order
     */
    public static HostTensor of(FloatBuffer data, long... shape) {
        checkDirect(nonNull(data), data.isDirect(), data.order());
        return new HostTensor(DType.FLOAT32, shapeOf(shape), data.slice(), data.remaining());
    }

    /**
     * A tensor of {@code dtype} over a direct {@link ByteBuffer}'s bytes from its position to its limit
     * (not copied): float32, float64, int64 or the raw bits of float16/bfloat16, in native byte order.
     *
     * @param data a direct buffer in native byte order ({@code ByteOrder.nativeOrder()})
     * @param dtype the element type
     * @param shape the dimensions; their product times the dtype's size must be {@code data.remaining()}
     * @return the tensor
     * @throws InvalidArgumentException for a heap buffer, another byte order or a size that does not fit
     */
    public static HostTensor of(ByteBuffer data, DType dtype, long... shape) {
        checkDirect(nonNull(data), data.isDirect(), data.order());
        if (dtype == null) throw new InvalidArgumentException("HostTensor: dtype is null");
        if (data.remaining() % dtype.bytes() != 0) {
            throw new InvalidArgumentException("HostTensor: " + data.remaining() + " bytes is not a whole number of " + dtype + " elements");
        }
        return new HostTensor(dtype, shapeOf(shape), data.slice().order(ByteOrder.nativeOrder()), data.remaining() / dtype.bytes());
    }

    private static void checkDirect(Buffer b, boolean direct, ByteOrder order) {
        if (!direct) {
            throw new InvalidArgumentException("HostTensor: " + b.getClass().getSimpleName()
                    + " is a heap buffer; pass its array (HostTensor.of(float[], ...)) or a direct buffer");
        }
        if (order != ByteOrder.nativeOrder()) {
            throw new InvalidArgumentException("HostTensor: the buffer's byte order is " + order + ", OpenCL reads the native order "
                    + ByteOrder.nativeOrder() + " (buffer.order(ByteOrder.nativeOrder()))");
        }
    }

    /**
     * A float16 or bfloat16 tensor over raw 16-bit patterns (not copied).
     *
     * @param dtype {@link DType#FLOAT16} or {@link DType#BFLOAT16}
     * @param bits the raw bits, row-major
     * @param shape the dimensions; their product must be {@code bits.length}
     * @return the tensor
     */
    public static HostTensor ofHalfBits(DType dtype, short[] bits, long... shape) {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) {
            throw new InvalidArgumentException("HostTensor.ofHalfBits takes float16 or bfloat16, not " + dtype);
        }
        return new HostTensor(dtype, shapeOf(shape), nonNull(bits), bits.length);
    }

    /**
     * A tensor of {@code dtype} whose elements are {@code values} rounded to that type (a new array).
     *
     * @param dtype the element type
     * @param shape the shape; its number of elements must be {@code values.length}
     * @param values the elements, row-major
     * @return the tensor
     * @throws InvalidArgumentException for an int64 tensor given a non-integer value
     */
    public static HostTensor fromDoubles(DType dtype, Shape shape, double[] values) {
        int n = nonNull(values).length;
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
                    if (values[i] != Math.rint(values[i])) throw new InvalidArgumentException("HostTensor: int64 tensor given non-integer " + values[i] + " at index " + i);
                    l[i] = (long) values[i];
                }
                return new HostTensor(dtype, shape, l, n);
            }
            default:
                throw new AssertionError(dtype);
        }
    }

    /**
     * A tensor of zeros in a new array.
     *
     * @param dtype the element type
     * @param shape the shape
     * @return the tensor
     */
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
            throw new InvalidArgumentException("cannot copy " + src + " into a " + dst.dtype + " tensor of shape " + dst.shape);
        }
        if (!src.isDirect() && !dst.isDirect()) {
            System.arraycopy(src.data, 0, dst.data, 0, dst.shape.numelInt());
            return;
        }
        switch (src.dtype) {
            case FLOAT32: ((FloatBuffer) dst.view()).put((FloatBuffer) src.view()); break;
            case FLOAT64: ((DoubleBuffer) dst.view()).put((DoubleBuffer) src.view()); break;
            case INT64: ((LongBuffer) dst.view()).put((LongBuffer) src.view()); break;
            default: ((ShortBuffer) dst.view()).put((ShortBuffer) src.view()); break;
        }
    }

    /** A typed buffer over the elements, positioned at 0 (a new view; the data is shared). */
    private Buffer view() {
        if (data instanceof float[]) return FloatBuffer.wrap((float[]) data);
        if (data instanceof double[]) return DoubleBuffer.wrap((double[]) data);
        if (data instanceof long[]) return LongBuffer.wrap((long[]) data);
        if (data instanceof short[]) return ShortBuffer.wrap((short[]) data);
        return typedView(dtype, (Buffer) data);
    }

    private static Buffer typedView(DType dtype, Buffer data) {
        if (data instanceof FloatBuffer) return ((FloatBuffer) data).duplicate();
        ByteBuffer b = ((ByteBuffer) data).duplicate().order(ByteOrder.nativeOrder());
        switch (dtype) {
            case FLOAT32: return b.asFloatBuffer();
            case FLOAT64: return b.asDoubleBuffer();
            case INT64: return b.asLongBuffer();
            default: return b.asShortBuffer();
        }
    }

    @Override public DType dtype() { return dtype; }
    @Override public Shape shape() { return shape; }
    @Override public HostTensor toHost() { return this; }

    /** @return true when the data is a direct (off-heap) buffer rather than a Java array */
    public boolean isDirect() { return data instanceof Buffer; }

    /**
     * Element {@code i} as a double; exact for every dtype but int64 beyond 2^53.
     *
     * @param i the row-major flat index
     * @return the element
     */
    public double getDouble(int i) {
        switch (dtype) {
            case FLOAT32: return data instanceof float[] ? ((float[]) data)[i] : ((FloatBuffer) typed).get(i);
            case FLOAT64: return data instanceof double[] ? ((double[]) data)[i] : ((DoubleBuffer) typed).get(i);
            case INT64: return getLong(i);
            case FLOAT16: return Half.toDouble(bits(i));
            case BFLOAT16: return BFloat16.toDouble(bits(i));
            default: throw new AssertionError(dtype);
        }
    }

    private short bits(int i) { return data instanceof short[] ? ((short[]) data)[i] : ((ShortBuffer) typed).get(i); }

    /**
     * Element {@code i} of an int64 tensor.
     *
     * @param i the row-major flat index
     * @return the element
     * @throws InvalidArgumentException when this is not an int64 tensor
     */
    public long getLong(int i) {
        if (dtype != DType.INT64) throw new InvalidArgumentException("getLong on a " + dtype + " tensor");
        return data instanceof long[] ? ((long[]) data)[i] : ((LongBuffer) typed).get(i);
    }

    /** @return all elements as doubles (a new array) */
    public double[] toDoubleArray() {
        int n = shape.numelInt();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = getDouble(i);
        return out;
    }

    /** @return the backing array of a float32 tensor (shared); an {@link InvalidArgumentException} for another dtype or a direct buffer */
    public float[] floatData() { return (float[]) requireArray(DType.FLOAT32); }

    /** @return the backing array of a float64 tensor (shared) */
    public double[] doubleData() { return (double[]) requireArray(DType.FLOAT64); }

    /** @return the backing array of an int64 tensor (shared) */
    public long[] longData() { return (long[]) requireArray(DType.INT64); }

    /** @return the backing raw bits of a float16/bfloat16 tensor (shared) */
    public short[] halfBits() {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) throw new InvalidArgumentException("halfBits on a " + dtype + " tensor");
        return (short[]) requireArray(dtype);
    }

    /** The array or direct buffer holding the elements: for the backends ({@link Backend#storage}). */
    Object storage() { return data; }

    /**
     * The single element of a one-element tensor.
     *
     * @return the element as a double
     * @throws InvalidArgumentException when the tensor has more or fewer than one element
     */
    public double item() {
        if (shape.numel() != 1) throw new InvalidArgumentException("item() on a tensor of shape " + shape + " (" + shape.numel() + " elements)");
        return getDouble(0);
    }

    private Object requireArray(DType t) {
        if (dtype != t) throw new InvalidArgumentException("expected a " + t + " tensor, this one is " + dtype);
        if (isDirect()) throw new InvalidArgumentException("this " + dtype + " tensor is a direct buffer, not an array");
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
