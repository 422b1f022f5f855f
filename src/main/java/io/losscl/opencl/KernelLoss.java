package io.losscl.opencl;

import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import java.util.Set;

/**
 * The OpenCL implementation of one loss (or one family of losses): it enqueues its kernels on the
 * context's queue and hands back the result. Implementations are stateless; they are called holding
 * the context's lock, with inputs that passed {@link Loss#validate}.
 *
 * @param <L> the loss specification
 */
public interface KernelLoss<L extends Loss> {
    /** Enqueues {@code loss} on {@code inputs} with the gradients named in {@code grads}, and returns the result. */
    LossResult compute(OpenClContext cl, L loss, LossInputs inputs, Set<String> grads);
}
