package io.losscl.opencl;

import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.UnsupportedFeatureException;
import io.losscl.loss.KlDivLoss;
import java.util.Set;

/**
 * kl_div on OpenCL: the elementwise skeleton with {@code kl_div.cl}; batchmean is a scaled sum
 * ({@link KlDivLoss#reductionScale}). Inputs of different (broadcast) shapes are not handled here yet.
 */
public final class KlDivKernel implements KernelLoss<KlDivLoss> {
    private final ElementwiseKernel<KlDivLoss> elementwise = new ElementwiseKernel<>("kl_div");

    @Override
    public LossResult compute(OpenClContext cl, KlDivLoss loss, LossInputs inputs, Set<String> grads) {
        if (!inputs.get("input").shape().equals(inputs.get("target").shape())) {
            throw new UnsupportedFeatureException("kl_div: broadcasting input " + inputs.get("input").shape() + " against target "
                    + inputs.get("target").shape() + " is not implemented on OpenCL yet (the Java backend does it)");
        }
        return elementwise.compute(cl, loss, inputs, grads);
    }
}
