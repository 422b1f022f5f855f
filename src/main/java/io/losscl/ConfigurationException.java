package io.losscl;

/**
 * An engine setting that cannot be used (a launch setting out of range, a misspelt value), raised when the
 * engine is created, before any device work. The message names the setting, its system property and its
 * valid values, e.g. {@code launch setting workGroupSize (losscl.wgs) is '3'; valid values: a power of two ...}.
 */
public class ConfigurationException extends LossclException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) { super(message, null); }

    @Override public String errorType() { return "invalid_argument"; }
}
