package io.losscl;

import java.util.Map;
import java.util.Set;

/**
 * A place losses are computed: the Java reference or an OpenCL device. Implemented inside losscl;
 * applications hold a {@link LossEngine} and never need this type. Inputs reach a backend already
 * validated. The static methods are the backends' access to what {@code io.losscl} keeps package-private
 * (result construction, a host tensor's storage): not API.
 */
public interface Backend extends AutoCloseable {
    /** @return {@code java}, or {@code opencl:<device name>} */
    String name();

    /**
     * Computes {@code loss} and the gradients of the inputs named in {@code grads}.
     *
     * @param <L> the loss specification type
     * @param entry the loss's registry row
     * @param loss the loss
     * @param inputs its inputs, validated
     * @param grads the inputs whose gradients are asked for
     * @return the result
     */
    <L extends Loss> LossResult compute(LossEntry<L> entry, L loss, LossInputs inputs, Set<String> grads);

    /**
     * {@link LossEngine#computeInto}: like {@link #compute} for the gradients named in {@code gradsInto},
     * with the results in the caller's host tensors (checked: result dtype and right shape). This
     * default computes, then copies; a backend that can write the results there directly overrides it.
     *
     * @param <L> the loss specification type
     * @param entry the loss's registry row
     * @param loss the loss
     * @param inputs its inputs, validated
     * @param outputInto the output's destination, or null
     * @param gradsInto the gradients' destinations by input name
     * @return the result, holding the destinations
     */
    default <L extends Loss> LossResult computeInto(LossEntry<L> entry, L loss, LossInputs inputs,
                                                    HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        return compute(entry, loss, inputs, gradsInto.keySet()).into(outputInto, gradsInto);
    }

    @Override
    void close();

    /**
     * A backend's result: the output, the gradients by input name and the backend's name.
     *
     * @param output the loss output
     * @param grads the gradients by input name
     * @param backend the backend's name
     * @return the result
     */
    static LossResult result(Tensor output, Map<String, ? extends Tensor> grads, String backend) {
        return new LossResult(output, grads, backend);
    }

    /**
     * {@code result} with its output (when {@code outputInto} is not null) and the gradients named in
     * {@code gradsInto} moved into those host tensors (device-resident results are copied, then closed).
     *
     * @param result the computed result
     * @param outputInto the output's destination, or null
     * @param gradsInto the gradients' destinations by input name
     * @return the result holding the destinations
     */
    static LossResult into(LossResult result, HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        return result.into(outputInto, gradsInto);
    }

    /**
     * The Java array or direct NIO buffer holding a host tensor's elements, for handing to OpenCL.
     *
     * @param t the tensor
     * @return its storage (shared)
     */
    static Object storage(HostTensor t) { return t.storage(); }
}
