package io.losscl.opencl;

import io.losscl.Broadcast;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Shape;
import java.util.List;

/**
 * Host side of {@code broadcast.cl}: PyTorch broadcasting and dtype promotion for kernels that read
 * their inputs elementwise. A loss streams full-size operands of the result dtype; an input that is
 * already one is used in place (the common case costs nothing), any other is expanded into a
 * temporary first, and the full-size gradient of such an input is summed back to its own shape.
 */
public final class Broadcasting {
    private static final List<String> STEMS = List.of("broadcast");

    private Broadcasting() {}

    /**
     * True when an input of {@code shape} and {@code dtype} can be read in place as an operand of
     * {@code full} shape and {@code dtype}: same dtype and same number of elements (broadcasting that
     * only adds dimensions of size 1 keeps the row-major order).
     */
    public static boolean inPlace(Shape shape, DType dtype, Shape full, DType resultDtype) {
        return dtype == resultDtype && shape.numel() == full.numel();
    }

    /**
     * The operand of {@code full} shape and {@code resultDtype} read from {@code source}, an input of
     * {@code small} shape (as it takes part in broadcasting) and {@code sourceDtype}: {@code source}
     * itself when {@link #inPlace}, else a temporary of {@code scope} filled by broadcast_expand.
     */
    public static DeviceBuffer operand(OpenClContext cl, CallScope scope, DeviceBuffer source, Shape small, DType sourceDtype,
                                       Shape full, DType resultDtype) {
        if (inPlace(small, sourceDtype, full, resultDtype)) return source;
        DeviceBuffer dst = scope.temp(full.numel() * resultDtype.bytes());
        expandInto(cl, scope, source, small, sourceDtype, full, resultDtype, dst);
        return dst;
    }

    /** {@link #operand} into {@code dst} (of {@code full} shape and {@code resultDtype}), also when in place would do. */
    public static void expandInto(OpenClContext cl, CallScope scope, DeviceBuffer source, Shape small, DType sourceDtype,
                                  Shape full, DType resultDtype, DeviceBuffer dst) {
        long n = full.numel();
        if (n == 0) return;
        if (sourceDtype == DType.FLOAT64) cl.options(sourceDtype); // an UnsupportedFeatureException without cl_khr_fp64
        // Key: the source's dtype beside the result's, so the option string is built once per pair.
        String options = cl.options(cl.options(resultDtype), sourceDtype.ordinal() * DTYPES.length + resultDtype.ordinal(),
                k -> sourceOption(DTYPES[k / DTYPES.length], DTYPES[k % DTYPES.length]));
        cl.call(cl.kernel(STEMS, options, "broadcast_expand"), "broadcast_expand")
                .mem(source).mem(map(scope, small, full)).ulong(n).mem(dst)
                .launch(cl.config().groupsFor(n));
    }

    /**
     * Sums {@code fullGrad} (of {@code full} shape, {@code dtype}) over the broadcast dimensions of an
     * input of {@code small} shape into {@code out} (that input's number of elements): every element
     * of {@code out} is the fixed-order sum of the elements that read it. Deterministic, no atomics.
     */
    public static void sumToShape(OpenClContext cl, CallScope scope, DeviceBuffer fullGrad, Shape full, Shape small,
                                  DType dtype, DeviceBuffer out) {
        long smallN = small.numel();
        if (smallN == 0) return;
        long m = full.numel() / smallN; // preimages per element (0 when full is empty)
        int wgs = cl.config().workGroupSize();
        boolean wide = m >= wgs;
        String name = wide ? "sum_to_shape_wide" : "sum_to_shape";
        long groups = wide ? Math.min(smallN, Math.max(cl.config().groupsFor(full.numel()), 1))
                : cl.config().groupsFor(smallN * Math.max(m, 1));
        cl.call(cl.kernel(STEMS, cl.options(dtype), name), name)
                .mem(fullGrad).mem(map(scope, small, full)).ulong(smallN).ulong(m).mem(out)
                .launch(groups);
    }

    private static DeviceBuffer map(CallScope scope, Shape small, Shape full) {
        long[] m = Broadcast.kernelMap(small, full);
        return scope.upload(HostTensor.of(m, m.length));
    }

    private static final DType[] DTYPES = DType.values();

    private static String sourceOption(DType source, DType result) {
        if (source == result) return "";
        switch (source) {
            case INT64: return " -DSRC_I64=1";
            case FLOAT16: return " -DSRC_F16=1";
            case BFLOAT16: return " -DSRC_BF16=1";
            case FLOAT32: return " -DSRC_F32=1";
            case FLOAT64: return " -DSRC_F64=1";
            default: throw new IllegalArgumentException("cannot promote " + source + " to " + result);
        }
    }
}
