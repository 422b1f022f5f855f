package io.losscl.opencl;

import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.LossResult;

/**
 * A {@link KernelLoss} that can write the gradient of one device-resident input into that input's own
 * buffer (see {@link io.losscl.LossEngine#computeGradientInPlace}): the kernel reads every element it needs
 * before overwriting it, so no second N x C buffer is needed.
 *
 * @param <L> the loss
 */
public interface InPlaceGradient<L extends Loss> {
    /**
     * Computes {@code loss} and the gradient of {@code name}, a {@link DeviceTensor} of this context, into
     * that tensor's buffer; the result's {@code grad(name)} is that same tensor.
     *
     * @throws io.losscl.UnsupportedFeatureException when this loss or this configuration cannot
     */
    LossResult computeInPlace(OpenClContext cl, L loss, LossInputs inputs, String name);
}
