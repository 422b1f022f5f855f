package io.losscl.opencl;

import io.losscl.DeviceException;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.jocl.CL;
import org.jocl.CLException;

/**
 * Runs OpenCL calls so that a failure becomes a {@link DeviceException} naming the call and the status.
 * Tests inject failures here ({@link #injectFaults}): every call that can fail mid-loss passes through.
 */
final class ClCalls {
    private ClCalls() {}

    /** The test hook: for the call about to run (its description), an OpenCL status to fail it with, or 0. */
    private static volatile ToIntFunction<String> faults;

    /** Makes the calls {@code faults} answers non-zero for fail with that status; {@code null} stops it. For tests. */
    static void injectFaults(ToIntFunction<String> faults) { ClCalls.faults = faults; }

    /** Throws the injected failure of {@code what}, if any (also for calls that handle failure themselves). */
    static void faultPoint(String what) {
        ToIntFunction<String> f = faults;
        int status = f == null ? 0 : f.applyAsInt(what);
        if (status != 0) throw new CLException("injected fault in " + what, status);
    }

    /** Whether the test hook is set: a call site that avoids lambdas builds its description only then or on failure. */
    static boolean hooked() { return faults != null; }

    /** The exception for the OpenCL call {@code what} having failed with {@code e} (call sites without lambdas). */
    static DeviceException failure(String what, CLException e) {
        return new DeviceException(what + " failed: " + CL.stringFor_errorCode(e.getStatus()), e);
    }

    static <T> T call(String what, Supplier<T> call) { return call(() -> what, call); }

    static void run(String what, Runnable call) { run(() -> what, call); }

    /** As {@link #call(String, Supplier)}, the description built only when needed (a failure, a fault hook): a small call's path builds no strings. */
    static <T> T call(Supplier<String> what, Supplier<T> call) {
        try {
            if (faults != null) faultPoint(what.get());
            return call.get();
        } catch (CLException e) {
            throw failure(what.get(), e);
        }
    }

    /** As {@link #run(String, Runnable)}, the description built only when needed. */
    static void run(Supplier<String> what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }
}
