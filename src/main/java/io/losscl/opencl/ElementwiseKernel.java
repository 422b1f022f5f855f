package io.losscl.opencl;

import io.losscl.DType;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.loss.ElementwiseLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host dispatch of every elementwise loss: {@code <stem>.cl} (the formula) + {@code elementwise.cl}
 * (the skeleton). One launch computes the per-element losses — stored, or summed per work-group —
 * and the gradients asked for; a reduction ends in the same launch (common.cl: FINISH_SUM). No host synchronisation
 * between the launches.
 *
 * <p>Inputs of the per-element shape and the result dtype (the common case) are read in place.
 * Others (broadcast, or int64 / narrower) are first expanded by {@link Broadcasting#operand}; the
 * gradient of a broadcast input is then computed at full size and summed back to its shape by
 * {@link Broadcasting#sumToShape}.
 *
 * @param <L> the loss
 */
public final class ElementwiseKernel<L extends ElementwiseLoss> implements KernelLoss<L> {
    private final List<String> stems;

    /** @param stem the loss's kernel file, e.g. {@code "mse_loss"} for {@code kernels-cl/mse_loss.cl} */
    public ElementwiseKernel(String stem) { this.stems = List.of(stem, "elementwise"); }

    @Override
    public LossResult compute(OpenClContext cl, L loss, LossInputs inputs, Set<String> grads) {
        loss.checkGradients(inputs, grads);
        List<String> names = loss.inputNames();
        int arity = names.size();
        if (arity > 3) throw new IllegalStateException(loss.name() + ": elementwise.cl takes at most 3 inputs");
        Shape shape = loss.elementShape(inputs);
        long n = shape.numel();
        DType dtype = loss.resultDtype(inputs);
        boolean reduce = loss.reduction() != Reduction.NONE;
        int gradMask = 0;
        for (int k = 0; k < arity; k++) if (grads.contains(names.get(k))) gradMask |= 1 << k;
        String options = cl.options(cl.options(dtype), (reduce ? 1 : 0) | gradMask << 1,
                k -> " -DREDUCE=" + (k & 1) + " -DGRAD_MASK=" + (k >> 1));
        double[] p = java.util.Arrays.copyOf(loss.parameters(), 4);
        double gradScale = loss.reductionScale(inputs, shape, n);
        long groups = cl.config().groupsFor(n);

        try (CallScope scope = new CallScope(cl, inputs)) {
            DeviceBuffer[] in = new DeviceBuffer[3];
            Shape[] operandShape = new Shape[3];
            for (int k = 0; k < arity; k++) {
                Tensor t = inputs.get(names.get(k));
                operandShape[k] = loss.operandShape(names.get(k), inputs);
                in[k] = Broadcasting.operand(cl, scope, scope.input(names.get(k)), operandShape[k], t.dtype(), shape, dtype);
            }
            CallScope.Result out = scope.result(dtype, reduce ? Shape.scalar() : shape);
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            DeviceBuffer[] g = new DeviceBuffer[3];
            for (int k = 0; k < arity; k++) {
                if ((gradMask & (1 << k)) == 0) continue;
                CallScope.Result r = scope.result(dtype, inputs.get(names.get(k)).shape());
                gradOut.put(names.get(k), r);
                // a broadcast input's gradient is first computed per element of the full shape
                g[k] = operandShape[k].numel() == n ? r.buffer() : scope.temp(n * dtype.bytes());
            }
            cl.call(cl.kernel(stems, options, "elementwise_loss"), "elementwise_loss", loss.name())
                    .mem(in[0]).mem(in[1]).mem(in[2])
                    .ulong(n)
                    .real(p[0]).real(p[1]).real(p[2]).real(p[3])
                    .real(gradScale)
                    .mem(out.buffer())
                    .mem(partials)
                    .mem(g[0]).mem(g[1]).mem(g[2])
                    .sumArgs(gradScale)
                    .launch(groups);
            for (int k = 0; k < arity; k++) {
                CallScope.Result r = gradOut.get(names.get(k));
                if (r != null && g[k] != r.buffer()) Broadcasting.sumToShape(cl, scope, g[k], shape, operandShape[k], dtype, r.buffer());
            }
            return scope.finish(cl.backendName(), out, gradOut);
        }
    }
}
