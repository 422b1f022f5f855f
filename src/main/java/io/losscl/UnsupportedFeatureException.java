package io.losscl;

/** A loss, option or dtype this build does not implement. */
public class UnsupportedFeatureException extends LossclException {
    private static final long serialVersionUID = 1L;

    public UnsupportedFeatureException(String message) { super(message, null); }

    @Override public String errorType() { return "unsupported"; }
}
