package io.losscl.opencl;

import io.losscl.DType;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.MultilabelMarginLoss;
import java.util.LinkedHashMap;
import io.losscl.loss.RowLosses;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** multilabel_margin_loss on the device: {@code multilabel_margin_loss.cl} over {@code rows.cl}. */
public final class MultilabelMarginKernel implements KernelLoss<MultilabelMarginLoss> {
    private static final List<String> STEMS = RowKernels.stems("multilabel_margin_loss");

    @Override
    public LossResult compute(OpenClContext cl, MultilabelMarginLoss loss, LossInputs inputs, Set<String> grads) {
        Shape shape = inputs.get("input").shape();
        Shape outShape = loss.validate(inputs);
        long rows = RowLosses.frames(shape);
        long c = RowLosses.classes(shape);
        DType dtype = inputs.get("input").dtype();
        boolean reduce = loss.reduction() != Reduction.NONE;
        boolean grad = grads.contains("input");
        boolean perItem = RowKernels.perItem(cl, rows, c, reduce);
        String options = cl.options(cl.options(dtype), RowKernels.rowKey(perItem, reduce) | OpenClContext.flagBit(grad, 2),
                k -> RowKernels.rowFlags(k) + " -DGRAD=" + (k >> 2 & 1));
        long groups = RowKernels.groups(cl, rows, c, perItem);
        try (CallScope scope = new CallScope(cl, inputs)) {
            CallScope.Result out = scope.result(dtype, outShape);
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            DeviceBuffer work = scope.temp(rows * c * 4);
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            if (grad) gradOut.put("input", scope.result(dtype, shape));
            DeviceBuffer flag = RowKernels.errorFlag(scope, inputs.get("target"));
            cl.call(cl.kernel(STEMS, options, "multilabel_margin_loss"), "multilabel_margin_loss")
                    .mem(scope.input("input")).mem(scope.input("target"))
                    .ulong(rows).ulong(c).real(RowKernels.gradScale(loss.reduction(), rows))
                    .mem(out.buffer()).mem(partials).mem(work)
                    .mem(grad ? gradOut.get("input").buffer() : null).mem(flag)
                    .sumArgs(RowKernels.outScale(loss.reduction(), rows))
                    .launch(groups);
            // The error flag (the first bad entry) is read with the results; a flagged call discards them.
            io.losscl.Tensor target = inputs.get("target");
            return scope.finish(cl.backendName(), out, gradOut, at -> new io.losscl.InvalidArgumentException(loss.name()
                    + ": target " + target.toHost().getLong(at) + " at index " + io.losscl.loss.Checks.index(target.shape(), at)
                    + " is out of range [-1, " + c + ")"));
        }
    }
}
