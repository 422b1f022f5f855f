package io.losscl;

/** The device failed; the message names the OpenCL call and the status it returned (or the build log). */
public class DeviceException extends LossclException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, caused by {@code cause} (typically the OpenCL error; may be null). */
    public DeviceException(String message, Throwable cause) { super(message, cause); }

    @Override public String errorType() { return "device_error"; }
}
