package io.losscl;

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

    @Override
    void close();
}
