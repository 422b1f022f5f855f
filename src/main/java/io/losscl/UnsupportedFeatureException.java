package io.losscl;

/** A loss, option or dtype this build does not implement. */
public class UnsupportedFeatureException extends LossclException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, which names the loss and what is not supported. */
    public UnsupportedFeatureException(String message) { super(message, null); }

    @Override public String errorType() { return "unsupported"; }
}
