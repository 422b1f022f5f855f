package io.losscl.opencl;

import io.losscl.Backend;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.loss.MultilabelSoftMarginLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * multilabel_soft_margin_loss on the device ({@code multilabel_soft_margin_loss.cl} over {@code rows.cl}).
 * Input and target of one shape with a per-class (or full) weight run directly; other broadcasts
 * are expanded on the host first and the gradients of broadcast inputs summed back on the host.
 */
public final class MultilabelSoftMarginKernel implements KernelLoss<MultilabelSoftMarginLoss> {
    private static final List<String> STEMS = RowKernels.stems("multilabel_soft_margin_loss");

    @Override
    public LossResult compute(OpenClContext cl, MultilabelSoftMarginLoss loss, LossInputs inputs, Set<String> grads) {
        Tensor input = inputs.get("input"), target = inputs.get("target");
        Shape full = loss.fullShape(inputs);
        // The class dimension is the input's last; a weight with more dimensions than the input puts
        // it inside the broadcast shape: the host layout then moves it last (rare, host-expanded path).
        int cd = loss.classDim(inputs);
        Shape outShape = loss.validate(inputs);
        long c = full.dim(cd);
        long rows = full.without(cd).numel();
        DType dtype = target.dtype().isFloating() ? DType.resultOf(inputs) : input.dtype();
        HostTensor weight = loss.weight();
        boolean direct = input.shape().equals(full) && target.shape().equals(full) && input.dtype() == dtype && target.dtype() == dtype
                && cd == full.rank() - 1;
        DType wd = direct ? dtype : RowKernels.expandedDtype(cl, dtype);
        int weightMode = 0;
        Tensor w = null;
        if (weight != null) {
            boolean perColumn = cd == full.rank() - 1 && weight.shape().rank() >= 1 && weight.shape().dim(-1) == c && weight.numel() == c;
            weightMode = perColumn ? 1 : 2;
            w = perColumn ? RowKernels.materialize(weight, wd, Shape.of(c)) : RowKernels.materialize(weight, wd, full, cd);
        }
        // broadcast inputs: expanded on the host, in double where the device has it so that the
        // gradients summed back over the broadcast dimensions are rounded once
        DType kd = direct ? dtype : RowKernels.expandedDtype(cl, dtype);
        Tensor x = direct ? input : RowKernels.materialize(input, kd, full, cd);
        Tensor y = direct ? target : RowKernels.materialize(target, kd, full, cd);
        Shape layout = RowKernels.rowLayout(full, cd);
        boolean reduce = loss.reduction() != Reduction.NONE;
        boolean gIn = grads.contains("input"), gTg = grads.contains("target") && target.dtype().isFloating();
        int gradMask = (gIn ? 1 : 0) | (gTg ? 2 : 0);
        boolean perItem = RowKernels.perItem(cl, rows, c, reduce);
        String options = cl.options(cl.options(kd), RowKernels.rowKey(perItem, reduce) | weightMode << 2 | gradMask << 5,
                k -> RowKernels.rowFlags(k) + " -DWEIGHT_MODE=" + (k >> 2 & 7) + " -DGRAD_MASK=" + (k >> 5));
        long groups = RowKernels.groups(cl, rows, c, perItem);
        try (CallScope scope = new CallScope(cl, direct ? inputs : LossInputs.of("input", x, "target", y))) {
            CallScope.Result out = scope.result(kd, outShape);
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            CallScope.Result gx = gIn ? scope.result(kd, layout) : null, gy = gTg ? scope.result(kd, layout) : null;
            cl.call(cl.kernel(STEMS, options, "multilabel_soft_margin_loss"), "multilabel_soft_margin_loss")
                    .mem(scope.input("input")).mem(scope.input("target")).mem(scope.upload(w))
                    .ulong(rows).ulong(c).real(1.0 / input.shape().dim(-1))
                    .real(RowKernels.gradScale(loss.reduction(), rows) / input.shape().dim(-1))
                    .mem(out.buffer()).mem(partials)
                    .mem(gx == null ? null : gx.buffer()).mem(gy == null ? null : gy.buffer())
                    .sumArgs(RowKernels.outScale(loss.reduction(), rows))
                    .launch(groups);
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            if (direct) {
                if (gx != null) gradOut.put("input", gx);
                if (gy != null) gradOut.put("target", gy);
                return scope.finish(cl.backendName(), out, gradOut);
            }
            LossResult r = scope.finish(cl.backendName(), out, Map.of());
            Map<String, Tensor> g = new LinkedHashMap<>();
            if (gx != null) g.put("input", RowKernels.sumTo(cl.read(gx.buffer(), kd, layout), full, cd, input.shape(), dtype));
            if (gy != null) g.put("target", RowKernels.sumTo(cl.read(gy.buffer(), kd, layout), full, cd, target.shape(), dtype));
            return Backend.result(RowKernels.convert(r.output(), dtype), g, r.backend());
        }
    }
}
