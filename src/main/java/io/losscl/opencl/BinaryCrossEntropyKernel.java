package io.losscl.opencl;

import io.losscl.Broadcast;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.BinaryCrossEntropyFamily;
import io.losscl.loss.Checks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host dispatch of {@code binary_cross_entropy} and {@code binary_cross_entropy_with_logits}
 * ({@code kernels-cl/binary_cross_entropy.cl}, {@code -DLOGITS} picks the form). One launch computes
 * the per-element losses (stored, or summed per work-group) and both gradients; a reduction ends in the
 * same launch (common.cl: FINISH_SUM). {@code weight} and {@code pos_weight} are read in place, broadcast by the
 * cheapest index rule their shape allows (see the kernel's WEIGHT_MODE).
 *
 * @param <L> either loss of the family
 */
public final class BinaryCrossEntropyKernel<L extends BinaryCrossEntropyFamily> implements KernelLoss<L> {
    /** The shared kernel, and the CPU's double polynomials before it where the device computes with them. */
    private static final List<String> STEMS = List.of("binary_cross_entropy");
    private static final List<String> CPU_STEMS = List.of("cpu_math16", "binary_cross_entropy_cpu", "binary_cross_entropy");

    /** How an option tensor is indexed by the kernel (the kernel's WEIGHT_MODE / PW_MODE). */
    static int mode(HostTensor t, Shape out) {
        if (t == null) return 0;
        if (t.shape().equals(out)) return 1;
        if (t.numel() == 1) return 2;
        // Trailing: after dropping leading 1s, the option's dims equal x's last dims; then element i
        // of x reads element i % numel of the option.
        int lead = 0;
        while (lead < t.shape().rank() && t.shape().dim(lead) == 1) lead++;
        Shape core = t.shape().dropLeading(lead);
        if (core.rank() <= out.rank() && core.equals(out.dropLeading(out.rank() - core.rank()))) return 3;
        return 4;
    }

    @Override
    public LossResult compute(OpenClContext cl, L loss, LossInputs inputs, Set<String> grads) {
        Shape shape = inputs.get("input").shape();
        long n = shape.numel();
        DType dtype = loss.resultDtype(inputs);
        boolean reduce = loss.reduction() != Reduction.NONE;
        boolean gIn = grads.contains("input"), gTg = grads.contains("target");
        HostTensor w = BinaryCrossEntropyFamily.as(loss.weight(), dtype);
        HostTensor pw = loss.logits() ? BinaryCrossEntropyFamily.as(loss.posWeight(), dtype) : null;
        int wMode = mode(w, shape), pMode = mode(pw, shape);
        // A host input was range-checked by validate(); a device-resident one is checked by the kernel.
        boolean checkRange = !loss.logits() && !(inputs.get("input") instanceof HostTensor) && n > 0;
        // CPUs with fp64: cpu_math16's double polynomials, faster there than the float builtins (see cpuDoubleMathPreferred).
        boolean cpuMath = cl.cpuDoubleMathPreferred(dtype);
        int flags = wMode | pMode << 3 | OpenClContext.flagBit(loss.logits(), 6) | OpenClContext.flagBit(checkRange, 7) | OpenClContext.flagBit(reduce, 8)
                | OpenClContext.flagBit(gIn, 9) | OpenClContext.flagBit(gTg, 10);
        String options = cl.options(cpuMath ? cl.optionsPreferringDouble(dtype) : cl.options(dtype), flags,
                k -> " -DLOGITS=" + (k >> 6 & 1) + " -DWEIGHT_MODE=" + (k & 7) + " -DPW_MODE=" + (k >> 3 & 7) + " -DCHECK_RANGE=" + (k >> 7 & 1)
                        + " -DREDUCE=" + (k >> 8 & 1) + " -DGRAD_INPUT=" + (k >> 9 & 1) + " -DGRAD_TARGET=" + (k >> 10 & 1));
        double scale = loss.reduction() == Reduction.MEAN ? 1.0 / n : 1.0;
        long groups = cl.config().groupsFor(n);
        List<String> stems = cpuMath ? CPU_STEMS : STEMS;

        try (CallScope scope = new CallScope(cl, inputs)) {
            CallScope.Result out = scope.result(dtype, reduce ? Shape.scalar() : shape);
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            if (gIn) gradOut.put("input", scope.result(dtype, shape));
            if (gTg) gradOut.put("target", scope.result(dtype, shape));
            DeviceBuffer bad = checkRange ? scope.errorFlag() : null;
            cl.call(cl.kernel(stems, options, "binary_cross_entropy"), "binary_cross_entropy", loss.name())
                    .mem(scope.input("input"))
                    .mem(scope.input("target"))
                    .mem(scope.upload(w)).mem(wMode == 4 ? scope.upload(map(w, shape)) : null).ulong(w == null ? 1 : w.numel())
                    .mem(scope.upload(pw)).mem(pMode == 4 ? scope.upload(map(pw, shape)) : null).ulong(pw == null ? 1 : pw.numel())
                    .ulong(n)
                    .real(scale)
                    .mem(out.buffer())
                    .mem(partials)
                    .mem(gIn ? gradOut.get("input").buffer() : null)
                    .mem(gTg ? gradOut.get("target").buffer() : null)
                    .mem(bad)
                    .sumArgs(scale)
                    .launch(groups);
            // The error flag is read with the results; a flagged call discards them.
            return scope.finish(cl.backendName(), out, gradOut, index -> outOfRange(loss, inputs.get("input").toHost(), index));
        }
    }

    /** PyTorch's error for a probability outside [0, 1], found on the device at (about) {@code index}. */
    private static InvalidArgumentException outOfRange(BinaryCrossEntropyFamily loss, HostTensor input, long index) {
        int n = input.shape().numelInt();
        for (int i = (int) Math.min(index, n - 1); i < n; i++) { // index is exact below 2^31 - 1
            double v = input.getDouble(i);
            if (!(v >= 0 && v <= 1)) {
                return new InvalidArgumentException(loss.name() + ": input " + v + " at index " + Checks.index(input.shape(), i)
                        + " is outside [0, 1] (all elements of input should be between 0 and 1)");
            }
        }
        return new InvalidArgumentException(loss.name() + ": all elements of input should be between 0 and 1");
    }

    private static HostTensor map(HostTensor t, Shape out) {
        long[] m = Broadcast.kernelMap(t.shape(), out);
        return HostTensor.of(m, m.length);
    }
}
