package io.losscl.opencl;

import io.losscl.Broadcast;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.UnsupportedFeatureException;
import io.losscl.loss.KlDivLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * kl_div on OpenCL: the elementwise skeleton with {@code kl_div.cl}; batchmean is a scaled sum
 * ({@link KlDivLoss#reductionScale}). Inputs of different shapes (PyTorch broadcasts them) take a stopgap
 * until the elementwise skeleton broadcasts: host inputs are expanded on the host, the unscaled sum (or
 * per-element losses) computed on the device, then the scale applied and the gradients summed back over the
 * broadcast dimensions on the host.
 */
public final class KlDivKernel implements KernelLoss<KlDivLoss> {
    private final ElementwiseKernel<KlDivLoss> elementwise = new ElementwiseKernel<>("kl_div");

    @Override
    public LossResult compute(OpenClContext cl, KlDivLoss loss, LossInputs inputs, Set<String> grads) {
        Tensor input = inputs.get("input"), target = inputs.get("target");
        if (input.dtype() != target.dtype()) {
            throw new UnsupportedFeatureException("kl_div: input " + input.dtype() + " with target " + target.dtype()
                    + " (mixed dtypes) is not implemented on OpenCL; use one dtype or the Java backend");
        }
        if (input.shape().equals(target.shape())) return elementwise.compute(cl, loss, inputs, grads);
        if (!inputs.allOnHost()) {
            throw new UnsupportedFeatureException("kl_div: broadcasting device tensors " + input.shape() + " and " + target.shape()
                    + " is not implemented on OpenCL yet");
        }
        Shape out = Broadcast.shapes(input.shape(), target.shape());
        DType dtype = DType.resultOf(inputs);
        HostTensor in = expand((HostTensor) input, out), tg = expand((HostTensor) target, out);
        double scale = loss.reductionScale(input.shape(), out.numel());
        KlDivLoss unscaled = KlDivLoss.of(loss.reduction() == Reduction.NONE ? Reduction.NONE : Reduction.SUM, loss.logTarget());
        LossResult r = elementwise.compute(cl, unscaled, LossInputs.of("input", in, "target", tg), grads);
        HostTensor o = r.output().toHost();
        if (scale != 1.0) {
            double[] v = o.toDoubleArray();
            for (int i = 0; i < v.length; i++) v[i] *= scale;
            o = HostTensor.fromDoubles(dtype, o.shape(), v);
        }
        Map<String, HostTensor> g = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : r.grads().entrySet()) {
            Shape own = inputs.get(e.getKey()).shape();
            double[] full = e.getValue().toHost().toDoubleArray();
            double[] sum = new double[own.numelInt()];
            long[] strides = Broadcast.strides(own, out);
            for (int i = 0; i < full.length; i++) sum[(int) Broadcast.index(i, out, strides)] += full[i] * scale;
            g.put(e.getKey(), HostTensor.fromDoubles(dtype, own, sum));
        }
        return new LossResult(o, g, r.backend());
    }

    private static HostTensor expand(HostTensor t, Shape out) {
        if (t.shape().equals(out)) return t;
        long[] strides = Broadcast.strides(t.shape(), out);
        double[] v = new double[out.numelInt()];
        for (int i = 0; i < v.length; i++) v[i] = t.getDouble((int) Broadcast.index(i, out, strides));
        return HostTensor.fromDoubles(t.dtype(), out, v);
    }
}
