package io.losscl;

/** Base of every error losscl reports; {@link #errorType()} is the eval protocol's error type. */
public abstract class LossclException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, caused by {@code cause} (may be null). */
    protected LossclException(String message, Throwable cause) { super(message, cause); }

    /** The protocol's error type: {@code invalid_argument}, {@code unsupported}, ... */
    public abstract String errorType();
}
