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
 * gradients of both inputs; a reduction adds the shared second stage.
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
        Tensor x1 = inputs.get("input1");
        Tensor target = inputs.get("target");
        Shape shape = x1.shape();
        boolean batched = shape.rank() == 2;
        long rows = batched ? shape.dim(0) : 1;
        long d = shape.dim(-1);
        DType dtype = x1.dtype();
        boolean reduce = loss.reduction() != Reduction.NONE;
        boolean g1 = grads.contains("input1"), g2 = grads.contains("input2");
        boolean rowPerItem = rowPerItem(cl.profile(), rows, d);
        long groups = RowKernels.groups(cl, rows, d, rowPerItem);
        String options = RowKernels.options(cl, dtype, rowPerItem, reduce)
                + " -DTARGET_INT=" + (target.dtype() == DType.INT64 ? 1 : 0)
                + " -DTARGET_BCAST=" + (target.numel() == 1 && rows != 1 ? 1 : 0)
                + " -DGRAD1=" + (g1 ? 1 : 0) + " -DGRAD2=" + (g2 ? 1 : 0);
        double scale = loss.reduction() == Reduction.MEAN ? 1.0 / rows : 1.0;

        try (CallScope scope = new CallScope(cl, inputs)) {
            CallScope.Result out = scope.result(dtype, reduce || !batched ? Shape.scalar() : Shape.of(rows));
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            if (g1) gradOut.put("input1", scope.result(dtype, shape));
            if (g2) gradOut.put("input2", scope.result(dtype, shape));
            cl.call(cl.kernel(STEMS, options, "cosine_embedding_loss"), "cosine_embedding_loss")
                    .mem(scope.input("input1"))
                    .mem(scope.input("input2"))
                    .mem(scope.input("target"))
                    .ulong(rows).ulong(d)
                    .real(loss.margin())
                    .real(scale)
                    .mem(out.buffer())
                    .mem(partials)
                    .mem(g1 ? gradOut.get("input1").buffer() : null)
                    .mem(g2 ? gradOut.get("input2").buffer() : null)
                    .sumArgs(scale)
                    .launch(groups);
            return scope.finish("opencl:" + cl.device().name(), out, gradOut);
        }
    }

    static boolean rowPerItem(DeviceProfile p, long rows, long d) {
        String forced = System.getProperty("losscl.cosine.rowPerItem");
        if (forced != null && !forced.isBlank()) return Boolean.parseBoolean(forced.trim());
        if (p.layout() == DeviceProfile.Layout.CHUNKED) {
            // Enough rows for every work-item of a full launch to own one (groupsFor caps the launch).
            long items = (long) p.groupsFor(Long.MAX_VALUE / 4) * p.workGroupSize();
            return rows >= items || d <= 16;
        }
        return d <= GPU_ROW_PER_ITEM_MAX_D;
    }
}
