package io.losscl.opencl;

import io.losscl.DType;
import io.losscl.InvalidArgumentException;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.loss.CosineEmbeddingLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host dispatch of {@code cosine_embedding_loss} ({@code kernels-cl/cosine_embedding_loss.cl} over
 * {@code rows.cl}): one
 * launch computes each row's three dot products, its loss (stored, or summed per work-group) and the
 * gradients of both inputs; a reduction ends in the same launch (common.cl: FINISH_SUM).
 *
 * <p>Layout: on a CPU device, when there are enough rows to give every work-item of the launch at
 * least one, each work-item owns whole rows (a row is contiguous, so it streams, with no barriers);
 * otherwise (few wide rows, e.g. 1 x 4M), and on a GPU unless rows are very short, one work-group
 * per row reduces the dot products in local memory. Override with {@code -Dlosscl.cosine.rowPerItem=true|false}.
 */
public final class CosineEmbeddingKernel implements KernelLoss<CosineEmbeddingLoss> {
    private static final List<String> STEMS = RowKernels.stems("cosine_embedding_loss");
    /** On a GPU, rows at most this long are computed one per work-item. */
    private static final long GPU_ROW_PER_ITEM_MAX_D = 16;

    @Override
    public LossResult compute(OpenClContext cl, CosineEmbeddingLoss loss, LossInputs inputs, Set<String> grads) {
        if (grads.contains("target")) throw new InvalidArgumentException(loss.name() + ": target is not differentiable");
        Tensor x1 = inputs.get("input1"), x2 = inputs.get("input2");
        Tensor target = inputs.get("target");
        Shape shape = loss.fullShape(inputs); // input1, input2 and the target's rows broadcast together
        boolean batched = shape.rank() == 2;
        long rows = batched ? shape.dim(0) : 1;
        long d = shape.dim(-1);
        DType dtype = loss.resultDtype(inputs);
        boolean reduce = loss.reduction() != Reduction.NONE;
        boolean g1 = grads.contains("input1"), g2 = grads.contains("input2");
        // A broadcast input's gradient is computed per element of the full shape, then summed back; those
        // terms can cancel (a scalar input2 has gradient ~0), so that path works in double where it can. Only
        // that path: a row's loss is computed the same way whether or not its batch broadcasts an input.
        boolean broadcastGrad = g1 && !x1.shape().equals(shape) || g2 && !x2.shape().equals(shape);
        DType work = broadcastGrad && cl.device().hasFp64() ? DType.FLOAT64 : dtype;
        boolean rowPerItem = rowPerItem(cl.config(), rows, d, reduce);
        long groups = RowKernels.groups(cl, rows, d, rowPerItem);
        int flags = RowKernels.rowKey(rowPerItem, reduce) | OpenClContext.flagBit(target.dtype() == DType.INT64, 2)
                | OpenClContext.flagBit(target.numel() == 1 && rows != 1, 3) | OpenClContext.flagBit(g1, 4) | OpenClContext.flagBit(g2, 5);
        String options = cl.options(cl.options(work), flags, k -> RowKernels.rowFlags(k) + " -DTARGET_INT=" + (k >> 2 & 1)
                + " -DTARGET_BCAST=" + (k >> 3 & 1) + " -DGRAD1=" + (k >> 4 & 1) + " -DGRAD2=" + (k >> 5 & 1));
        double scale = loss.reduction() == Reduction.MEAN ? 1.0 / rows : 1.0;
        // a floating target of another dtype is read as the work dtype (its values are +-1 or ignored)
        DType targetWork = target.dtype() == DType.INT64 ? DType.INT64 : work;

        try (CallScope scope = new CallScope(cl, inputs)) {
            Shape outShape = reduce || !batched ? Shape.scalar() : Shape.of(rows);
            CallScope.Result out = scope.result(dtype, outShape);
            DeviceBuffer outWork = work == dtype ? out.buffer() : scope.temp(outShape.numel() * work.bytes());
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            if (g1) gradOut.put("input1", scope.result(dtype, x1.shape()));
            if (g2) gradOut.put("input2", scope.result(dtype, x2.shape()));
            DeviceBuffer gFull1 = g1 ? fullGradient(scope, gradOut.get("input1"), shape, work) : null;
            DeviceBuffer gFull2 = g2 ? fullGradient(scope, gradOut.get("input2"), shape, work) : null;
            cl.call(cl.kernel(STEMS, options, "cosine_embedding_loss"), "cosine_embedding_loss")
                    .mem(Broadcasting.operand(cl, scope, scope.input("input1"), x1.shape(), x1.dtype(), shape, work))
                    .mem(Broadcasting.operand(cl, scope, scope.input("input2"), x2.shape(), x2.dtype(), shape, work))
                    .mem(Broadcasting.operand(cl, scope, scope.input("target"), target.shape(), target.dtype(), target.shape(), targetWork))
                    .ulong(rows).ulong(d)
                    .real(loss.margin())
                    .real(scale)
                    .real(qScale(x1.shape(), d)).real(qScale(x2.shape(), d))
                    .mem(outWork)
                    .mem(partials)
                    .mem(gFull1)
                    .mem(gFull2)
                    .sumArgs(scale)
                    .launch(groups);
            if (g1) sumBack(cl, scope, gFull1, shape, work, gradOut.get("input1"));
            if (g2) sumBack(cl, scope, gFull2, shape, work, gradOut.get("input2"));
            if (outWork != out.buffer()) Broadcasting.expandInto(cl, scope, outWork, outShape, work, outShape, dtype, out.buffer());
            return scope.finish(cl.backendName(), out, gradOut);
        }
    }

    /** The full-shape gradient {@code full} (of {@code work} dtype) summed back into {@code grad}'s own shape and dtype. */
    private static void sumBack(OpenClContext cl, CallScope scope, DeviceBuffer full, Shape shape, DType work, CallScope.Result grad) {
        if (full == grad.buffer()) return;
        DeviceBuffer summed = work == grad.dtype() ? grad.buffer() : scope.temp(grad.shape().numel() * work.bytes());
        Broadcasting.sumToShape(cl, scope, full, shape, grad.shape(), work, summed);
        if (summed != grad.buffer()) Broadcasting.expandInto(cl, scope, summed, grad.shape(), work, grad.shape(), grad.dtype(), grad.buffer());
    }

    /** 1/D for an input broadcast along D (its squares summed over its own one element), else 1. */
    private static double qScale(Shape own, long d) { return own.dim(-1) == d ? 1 : 1.0 / d; }

    /** The gradient's own buffer when its input has the full shape (and the work dtype), else a full-size temporary. */
    private static DeviceBuffer fullGradient(CallScope scope, CallScope.Result grad, Shape full, DType work) {
        return grad.shape().numel() == full.numel() && grad.dtype() == work ? grad.buffer() : scope.temp(full.numel() * work.bytes());
    }

    /** Whether a work-item owns a row; unreduced calls decide by the row width alone (see RowKernels.perItem). */
    static boolean rowPerItem(LaunchConfig p, long rows, long d, boolean reduce) {
        if (p.cosineRowMode() != LaunchConfig.RowMode.AUTO) return p.cosineRowMode() == LaunchConfig.RowMode.ITEM;
        if (!reduce) rows = Long.MAX_VALUE;
        if (p.layout() == LaunchConfig.Layout.CHUNKED) {
            // Enough rows for every work-item of a full launch to own one (groupsFor caps the launch), or a small call.
            long items = (long) p.groupsFor(Long.MAX_VALUE / 4) * p.workGroupSize();
            return rows >= items || d <= 16 || RowKernels.smallCpuCall(rows, d);
        }
        return d <= GPU_ROW_PER_ITEM_MAX_D;
    }
}
