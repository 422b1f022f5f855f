package io.losscl.opencl;

import io.losscl.DType;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.loss.KlDivLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kl_div on OpenCL: the elementwise skeleton ({@link ElementwiseKernel} with {@code kl_div.cl}: broadcasting and
 * dtype promotion on the device, batchmean scaled by the input's first dimension), except for the common case
 * on a CPU device, input and target of one shape and the result dtype, which takes {@code kl_div_vec}: the
 * same formulas on explicit 16-wide vectors (the skeleton's per-lane log/exp calls are not vectorised there).
 */
public final class KlDivKernel implements KernelLoss<KlDivLoss> {
    private static final List<String> STEMS = List.of("kl_div", "elementwise");
    private final ElementwiseKernel<KlDivLoss> elementwise = new ElementwiseKernel<>("kl_div");

    @Override
    public LossResult compute(OpenClContext cl, KlDivLoss loss, LossInputs inputs, Set<String> grads) {
        Tensor input = inputs.get("input"), target = inputs.get("target");
        DType dtype = DType.resultOf(inputs);
        boolean vec = cl.profile().layout() == DeviceProfile.Layout.CHUNKED && input.shape().equals(target.shape())
                && input.dtype() == dtype && target.dtype() == dtype;
        if (!vec) return elementwise.compute(cl, loss, inputs, grads);
        Shape shape = input.shape();
        long n = shape.numel();
        boolean reduce = loss.reduction() != Reduction.NONE;
        int gradMask = (grads.contains("input") ? 1 : 0) | (grads.contains("target") ? 2 : 0);
        String options = cl.options(dtype) + " -DREDUCE=" + (reduce ? 1 : 0) + " -DGRAD_MASK=" + gradMask;
        double scale = loss.reductionScale(inputs, shape, n);
        long groups = cl.profile().groupsFor(n);
        try (CallScope scope = new CallScope(cl, inputs)) {
            CallScope.Result out = scope.result(dtype, reduce ? Shape.scalar() : shape);
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            CallScope.Result gx = null, gt = null;
            if ((gradMask & 1) != 0) gradOut.put("input", gx = scope.result(dtype, shape));
            if ((gradMask & 2) != 0) gradOut.put("target", gt = scope.result(dtype, shape));
            cl.call(cl.kernel(STEMS, options, "kl_div_vec"), "kl_div_vec")
                    .mem(scope.input("input")).mem(scope.input("target")).ulong(n).int32(loss.logTarget() ? 1 : 0)
                    .real(scale).mem(reduce ? null : out.buffer()).mem(partials)
                    .mem(gx == null ? null : gx.buffer()).mem(gt == null ? null : gt.buffer())
                    .launch(groups);
            if (reduce) Reducer.finish(cl, STEMS, options, partials, groups, 1, Reducer.Mode.SCALED_SUM, scale, out.buffer());
            return scope.finish("opencl:" + cl.device().name(), out, gradOut);
        }
    }
}
