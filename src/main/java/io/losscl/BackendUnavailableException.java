package io.losscl;

/** The requested backend cannot be used here, e.g. {@code OPENCL} asked for and no OpenCL device found. */
public class BackendUnavailableException extends LossclException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, caused by {@code cause} (may be null). */
    public BackendUnavailableException(String message, Throwable cause) { super(message, cause); }

    @Override public String errorType() { return "backend_unavailable"; }
}
