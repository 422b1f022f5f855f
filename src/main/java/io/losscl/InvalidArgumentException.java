package io.losscl;

/**
 * Shapes, values or options that PyTorch also rejects. The message names the loss, the argument,
 * the offending value and where it is, e.g. {@code cross_entropy: target 7 at index [3] is out of range [0, 5)}.
 * Raised before any kernel runs; the engine stays usable.
 */
public class InvalidArgumentException extends LossclException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, which names the loss, the argument, the value and where it is. */
    public InvalidArgumentException(String message) { super(message, null); }

    @Override public String errorType() { return "invalid_argument"; }
}
