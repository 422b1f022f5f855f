package io.losscl.opencl;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * A non-blocking {@code clEnqueueWriteBuffer} from a direct buffer, without JOCL's waiter thread. JOCL's public
 * {@code CL.clEnqueueWriteBuffer(..., CL_FALSE, ...)} creates an event for every such write and hands it to a
 * thread of its own that waits for it, to keep the Java buffer reachable until the copy is done; on a small call
 * that is two more thread wake-ups (a queue hand-off, then the event) beside the device's. Our staging buffer
 * stays reachable on its own ({@link OpenClContext#write}: reused only after a blocking read or finish), so the
 * plain OpenCL call is enough: JOCL's native entry point, with no event. If that entry point is not there (another
 * JOCL version), the public call is used.
 */
final class NonBlockingWrite {
    private NonBlockingWrite() {}

    /** {@code CL.clEnqueueWriteBufferNative}, or null. */
    private static final MethodHandle NATIVE = find();

    private static MethodHandle find() {
        try {
            return MethodHandles.privateLookupIn(CL.class, MethodHandles.lookup()).findStatic(CL.class, "clEnqueueWriteBufferNative",
                    MethodType.methodType(int.class, cl_command_queue.class, cl_mem.class, boolean.class, long.class, long.class,
                            Pointer.class, int.class, cl_event[].class, cl_event.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether writes skip JOCL's waiter thread (for the tests). */
    static boolean direct() { return NATIVE != null; }

    /** Enqueues the copy of {@code bytes} bytes from {@code src} (a direct buffer's memory) to the start of {@code dst}. */
    static void enqueue(cl_command_queue queue, cl_mem dst, long bytes, Pointer src) {
        if (NATIVE == null) {
            CL.clEnqueueWriteBuffer(queue, dst, false, 0, bytes, src, 0, null, null);
            return;
        }
        int status;
        try {
            status = (int) NATIVE.invokeExact(queue, dst, false, 0L, bytes, src, 0, (cl_event[]) null, (cl_event) null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (status != CL.CL_SUCCESS) throw new CLException(CL.stringFor_errorCode(status), status);
    }
}
