package io.losscl;

import java.util.Map;
import java.util.Set;

/**
 * A place losses are computed: the Java reference or an OpenCL device. Implemented inside losscl;
 * users hold a {@link LossEngine}. Inputs reach a backend already validated.
 */
public interface Backend extends AutoCloseable {
    /** {@code java}, or {@code opencl:<device name>}. */
    String name();

    /** Computes {@code loss} and the gradients of the inputs named in {@code grads}. */
    <L extends Loss> LossResult compute(LossEntry<L> entry, L loss, LossInputs inputs, Set<String> grads);

    /**
     * {@link LossEngine#computeInto}: like {@link #compute} for the gradients named in {@code gradsInto},
     * with the results in the caller's host tensors (checked: result dtype and right shape). This
     * default computes, then copies; a backend that can write the results there directly overrides it.
     */
    default <L extends Loss> LossResult computeInto(LossEntry<L> entry, L loss, LossInputs inputs,
                                                    HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        return compute(entry, loss, inputs, gradsInto.keySet()).into(outputInto, gradsInto);
    }

    @Override
    void close();
}
