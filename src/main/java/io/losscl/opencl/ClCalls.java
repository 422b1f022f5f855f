package io.losscl.opencl;

import io.losscl.DeviceException;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.CLException;

/** Runs OpenCL calls so that a failure becomes a {@link DeviceException} naming the call and the status. */
final class ClCalls {
    private ClCalls() {}

    static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (CLException e) {
            throw new DeviceException(what + " failed: " + CL.stringFor_errorCode(e.getStatus()), e);
        }
    }

    static void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }
}
