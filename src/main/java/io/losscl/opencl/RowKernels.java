package io.losscl.opencl;

import io.losscl.Broadcast;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * Host side of the row-wise kernels ({@code rows.cl}): the choice between one work-item per row and
 * one work-group per row, the launch size, the second-stage reduction, and the host-side
 * broadcasting used when inputs are not all of the full shape (the rare case).
 *
 * <p>Row mode: on a CPU device one work-item per row streams whole rows contiguously with no
 * barriers, which wins whenever there are enough rows to occupy every work-item, and on any small call
 * ({@link #CPU_SMALL_CALL_ELEMENTS}): a work-group per row splits the row, which pays only for few wide rows,
 * since POCL runs each barrier's region as a loop over the work-group's items (triplet_margin_loss 64x128
 * forward: 175 -> 110 us a call as rows per work-item). On a GPU rows narrower than a warp use one
 * work-item per row, wider rows a work-group. {@link LaunchConfig#rowMode()} forces one.
 *
 * <p>An unreduced call ({@code reduction='none'}) decides by the row width alone, as if the batch filled the
 * device: each row's loss is then computed the same way whatever batch it comes in, so the losses of a batch
 * cut into slices are bitwise those of the whole ({@link io.losscl.LossPartial} sums them).
 */
final class RowKernels {
    private RowKernels() {}

    /**
     * On a CPU device, calls of at most this many elements run a row per work-item whatever their shape: one
     * core streams 2^18 floats in ~20 us, less than a work-group per row spends in barriers on a small batch.
     */
    static final long CPU_SMALL_CALL_ELEMENTS = 1L << 18;

    /** Whether one work-item handles a whole row ({@code reduce}: the call sums its rows' losses). */
    static boolean perItem(OpenClContext cl, long rows, long width, boolean reduce) {
        LaunchConfig.RowMode forced = cl.config().rowMode();
        if (forced != LaunchConfig.RowMode.AUTO) return forced == LaunchConfig.RowMode.ITEM;
        if (!reduce) rows = Long.MAX_VALUE;
        int wgs = cl.config().workGroupSize();
        if (cl.config().cpu()) return width <= 64 || rows >= (long) cl.config().computeUnits() * wgs || smallCpuCall(rows, width);
        return width <= 32;
    }

    /** A CPU call small enough for a row per work-item ({@link #CPU_SMALL_CALL_ELEMENTS}). */
    static boolean smallCpuCall(long rows, long width) {
        return rows <= CPU_SMALL_CALL_ELEMENTS / Math.max(1, width);
    }

    /** The kernel's program: common.cl + rows.cl + the loss's file. */
    static List<String> stems(String stem) { return List.of("rows", stem); }

    /** The row mode's and reduction's bits of a row kernel's options key (bits 0 and 1; see {@link #rowFlags}). */
    static int rowKey(boolean perItem, boolean reduce) { return (perItem ? 1 : 0) | (reduce ? 2 : 0); }

    /** The -D flags of {@link #rowKey}'s bits of {@code key}: row mode and whether rows are reduced. */
    static String rowFlags(int key) { return " -DROW_PER_ITEM=" + (key & 1) + " -DREDUCE=" + (key >> 1 & 1); }

    /** Work-groups to launch for {@code rows} rows of {@code width}. */
    static long groups(OpenClContext cl, long rows, long width, boolean perItem) {
        int wgs = cl.config().workGroupSize();
        boolean cpu = cl.config().cpu();
        long cap = cpu ? (long) cl.config().computeUnits() * 4 : 65535;
        long wanted = perItem ? (rows + wgs - 1) / wgs : rows;
        if (perItem && cpu) wanted = Math.min(wanted, cl.config().groupsFor(rows * Math.max(1, width)));
        return Math.max(1, Math.min(wanted, cap));
    }

    /** d(reduced)/d(row loss): 1/rows for mean (NaN for no rows, as PyTorch's mean), else 1. */
    static double gradScale(Reduction r, long rows) { return r == Reduction.MEAN ? 1.0 / rows : 1.0; }

    /** The reduced output's factor on the sum of row losses: 1/rows for mean (NaN for no rows), 1 for sum (none: unused). */
    static double outScale(Reduction r, long rows) { return r == Reduction.MEAN ? (rows == 0 ? Double.NaN : 1.0 / rows) : 1.0; }

    /** {@code t} as a host tensor of {@code dtype} and the full shape {@code full} (broadcast, converted). */
    static HostTensor materialize(Tensor t, DType dtype, Shape full) { return materialize(t, dtype, full, full.rank() - 1); }

    /**
     * {@code t} broadcast to {@code full}, converted to {@code dtype}, and laid out with dimension
     * {@code rowDim} moved last (so that it becomes the row of a row kernel; the other dimensions keep
     * their order). The result has shape {@link #rowLayout}.
     */
    static HostTensor materialize(Tensor t, DType dtype, Shape full, int rowDim) {
        HostTensor h = t.toHost();
        Shape layout = rowLayout(full, rowDim);
        if (h.shape().equals(layout) && h.dtype() == dtype && rowDim == full.rank() - 1) return h;
        long[] strides = Broadcast.strides(h.shape(), full);
        int n = full.numelInt();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = h.getDouble((int) Broadcast.index(fromRowLayout(i, full, rowDim), full, strides));
        return HostTensor.fromDoubles(dtype, layout, v);
    }

    /** {@code full} with dimension {@code rowDim} moved last. */
    static Shape rowLayout(Shape full, int rowDim) {
        if (full.rank() == 0 || rowDim == full.rank() - 1) return full;
        long[] d = new long[full.rank()];
        int k = 0;
        for (int i = 0; i < full.rank(); i++) if (i != rowDim) d[k++] = full.dim(i);
        d[k] = full.dim(rowDim);
        return Shape.of(d);
    }

    /** The flat index in {@code full} of flat element {@code i} of {@link #rowLayout}{@code (full, rowDim)}. */
    static long fromRowLayout(long i, Shape full, int rowDim) {
        if (full.rank() == 0 || rowDim == full.rank() - 1) return i;
        long c = full.dim(rowDim), inner = full.product(rowDim + 1, full.rank());
        long j = i % c, rest = i / c; // rest indexes (outer, inner) in order
        long outer = rest / inner, in = rest % inner;
        return (outer * c + j) * inner + in;
    }

    /** A gradient of the full shape summed back to the shape of a broadcast input. */
    static HostTensor sumTo(HostTensor grad, Shape small, DType dtype) { return sumTo(grad, grad.shape(), grad.shape().rank() - 1, small, dtype); }

    /** A gradient laid out as {@link #rowLayout}{@code (full, rowDim)}, summed back to the shape of a broadcast input. */
    static HostTensor sumTo(HostTensor grad, Shape full, int rowDim, Shape small, DType dtype) {
        if (full.equals(small) && rowDim == full.rank() - 1) return convert(grad, dtype); // not broadcast, maybe widened
        long[] strides = Broadcast.strides(small, full);
        double[] v = new double[small.numelInt()];
        for (int i = 0; i < full.numelInt(); i++) {
            v[(int) Broadcast.index(fromRowLayout(i, full, rowDim), full, strides)] += grad.getDouble(i);
        }
        return HostTensor.fromDoubles(dtype, small, v);
    }

    /** The storage type for host-expanded inputs: float64 under the DOUBLE precision, else {@code dtype}. */
    static DType expandedDtype(OpenClContext cl, DType dtype) { return cl.computesInDouble(dtype) ? DType.FLOAT64 : dtype; }

    /** {@code t} rounded once to {@code dtype} (a host tensor). */
    static HostTensor convert(Tensor t, DType dtype) {
        HostTensor h = t.toHost();
        return h.dtype() == dtype ? h : HostTensor.fromDoubles(dtype, h.shape(), h.toDoubleArray());
    }

    /**
     * The call's error flag when the kernel must check class indices the host could not (a device-resident
     * target), or {@code null} when the target is a host tensor (validated already).
     */
    static DeviceBuffer errorFlag(CallScope scope, Tensor target) {
        return target instanceof HostTensor ? null : scope.errorFlag();
    }
}
