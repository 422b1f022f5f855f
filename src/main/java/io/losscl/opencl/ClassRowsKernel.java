package io.losscl.opencl;

import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.UnsupportedFeatureException;
import java.util.Set;

public final class ClassRowsKernel<L extends Loss> implements KernelLoss<L> {
    @Override
    public LossResult compute(OpenClContext cl, L loss, LossInputs inputs, Set<String> grads) {
        throw new UnsupportedFeatureException(loss.name() + ": not yet on OpenCL");
    }
}
