package io.losscl.opencl;

import io.losscl.DType;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.MultiMarginLoss;
import java.util.LinkedHashMap;
import io.losscl.loss.RowLosses;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** multi_margin_loss on the device: {@code multi_margin_loss.cl} over {@code rows.cl}, loss and gradient in one launch. */
public final class MultiMarginKernel implements KernelLoss<MultiMarginLoss> {
    private static final List<String> STEMS = RowKernels.stems("multi_margin_loss");

    @Override
    public LossResult compute(OpenClContext cl, MultiMarginLoss loss, LossInputs inputs, Set<String> grads) {
        Shape shape = inputs.get("input").shape();
        Shape outShape = loss.validate(inputs);
        long rows = RowLosses.frames(shape);
        long c = RowLosses.classes(shape);
        DType dtype = inputs.get("input").dtype();
        boolean reduce = loss.reduction() != Reduction.NONE;
        boolean grad = grads.contains("input");
        boolean perItem = RowKernels.perItem(cl, rows, c, reduce);
        int flags = RowKernels.rowKey(perItem, reduce) | OpenClContext.flagBit(loss.p() == 2, 2) | OpenClContext.flagBit(loss.weight() != null, 3)
                | OpenClContext.flagBit(grad, 4);
        String options = cl.options(cl.options(dtype), flags, k -> RowKernels.rowFlags(k) + " -DP=" + (1 + (k >> 2 & 1))
                + " -DHAS_WEIGHT=" + (k >> 3 & 1) + " -DGRAD=" + (k >> 4 & 1));
        long groups = RowKernels.groups(cl, rows, c, perItem);
        try (CallScope scope = new CallScope(cl, inputs)) {
            CallScope.Result out = scope.result(dtype, outShape);
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            if (grad) gradOut.put("input", scope.result(dtype, shape));
            DeviceBuffer flag = RowKernels.errorFlag(scope, inputs.get("target"));
            cl.call(cl.kernel(STEMS, options, "multi_margin_loss"), "multi_margin_loss")
                    .mem(scope.input("input")).mem(scope.input("target")).mem(scope.upload(loss.weight()))
                    .ulong(rows).ulong(c).real(loss.margin()).real(RowKernels.gradScale(loss.reduction(), rows))
                    .mem(out.buffer()).mem(partials)
                    .mem(grad ? gradOut.get("input").buffer() : null).mem(flag)
                    .sumArgs(RowKernels.outScale(loss.reduction(), rows))
                    .launch(groups);
            // The error flag (the first bad row) is read with the results; a flagged call discards them.
            io.losscl.Tensor target = inputs.get("target");
            return scope.finish(cl.backendName(), out, gradOut, row -> io.losscl.loss.ClassTargets.targetOutOfRange(
                    loss.name(), target.shape(), row, target.toHost().getLong(row), c));
        }
    }
}
