package io.losscl;

import java.util.List;

/**
 * A loss function with its options fixed: the specification shared by every backend.
 * Implementations are immutable and thread-safe; each names its inputs as PyTorch does and
 * checks them, so that bad input is rejected before any backend runs.
 */
public interface Loss {
    /** The {@code torch.nn.functional} name, e.g. {@code "cross_entropy"}. */
    String name();

    /** The inputs in PyTorch's positional order, e.g. {@code [input, target]}. */
    List<String> inputNames();

    /**
     * Checks shapes, dtypes and, for host tensors, values (class indices, probability ranges).
     * Device-resident values are checked on the device.
     *
     * @return the shape of the loss output
     * @throws InvalidArgumentException naming the loss, the argument, the value and where it is
     */
    Shape validate(LossInputs inputs);

    /**
     * The dtype of the output and the gradients for these (validated) inputs, as PyTorch's type
     * promotion gives it: by default the widest floating dtype of the inputs ({@link DType#resultOf});
     * a loss whose PyTorch implementation writes into a tensor of one input's dtype overrides it.
     */
    default DType resultDtype(LossInputs inputs) { return DType.resultOf(inputs); }
}
