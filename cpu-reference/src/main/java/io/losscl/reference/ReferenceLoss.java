package io.losscl.reference;

import io.losscl.Loss;
import io.losscl.LossInputs;
import java.util.Set;

/**
 * The double-precision Java reference of one loss: plain code that reads like PyTorch's
 * documented formula. It is the fallback backend and the oracle every kernel is tested against.
 *
 * @param <L> the loss specification it computes
 */
public interface ReferenceLoss<L extends Loss> {
    /**
     * Computes the loss and the gradients (of the sum of the output) of the inputs in {@code grads}.
     * Inputs are host tensors that passed {@link Loss#validate}.
     */
    ReferenceResult compute(L loss, LossInputs inputs, Set<String> grads);
}
