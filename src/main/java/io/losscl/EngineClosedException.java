package io.losscl;

/**
 * A call on a {@link LossEngine} that is closed, or on a device tensor or result whose engine is closed
 * (its device memory and queue are gone). A usage error, like using a closed stream: the protocol type
 * is {@code invalid_argument}.
 */
public class EngineClosedException extends LossclException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, which says what was used after its engine closed. */
    public EngineClosedException(String message) { super(message, null); }

    @Override public String errorType() { return "invalid_argument"; }
}
