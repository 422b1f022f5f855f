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
 * Non-blocking {@code clEnqueueWriteBuffer} and {@code clEnqueueReadBuffer} on a direct buffer, without JOCL's
 * waiter thread. JOCL's public calls with {@code CL_FALSE} create an event for every transfer and hand it to a
 * thread of their own that waits for it, to keep the Java buffer reachable until the copy is done; on a small
 * call that is two more thread wake-ups (a queue hand-off, then the event) beside the device's. Our staging
 * buffers stay reachable on their own ({@link OpenClContext}: reused only after a host wait), so the plain
 * OpenCL call is enough: JOCL's native entry points, with no event. Where they are not there (another JOCL
 * version), the public calls are used.
 */
final class NonBlockingTransfer {
    private NonBlockingTransfer() {}

    private static final MethodHandle WRITE = find("clEnqueueWriteBufferNative");
    private static final MethodHandle READ = find("clEnqueueReadBufferNative");

    /** {@code CL.<name>(queue, mem, blocking, offset, size, pointer, waits, waitList, event)}, or null. */
    private static MethodHandle find(String name) {
        try {
            return MethodHandles.privateLookupIn(CL.class, MethodHandles.lookup()).findStatic(CL.class, name,
                    MethodType.methodType(int.class, cl_command_queue.class, cl_mem.class, boolean.class, long.class, long.class,
                            Pointer.class, int.class, cl_event[].class, cl_event.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether transfers skip JOCL's waiter thread (for the tests). */
    static boolean direct() { return WRITE != null && READ != null; }

    /** Enqueues the copy of {@code bytes} bytes from {@code src} (a direct buffer's memory) to the start of {@code dst}. */
    static void write(cl_command_queue queue, cl_mem dst, long bytes, Pointer src) {
        if (WRITE == null) CL.clEnqueueWriteBuffer(queue, dst, false, 0, bytes, src, 0, null, null);
        else check(invoke(WRITE, queue, dst, bytes, src));
    }

    /** Enqueues the copy of the first {@code bytes} bytes of {@code src} to {@code dst} (a direct buffer's memory). */
    static void read(cl_command_queue queue, cl_mem src, long bytes, Pointer dst) {
        if (READ == null) CL.clEnqueueReadBuffer(queue, src, false, 0, bytes, dst, 0, null, null);
        else check(invoke(READ, queue, src, bytes, dst));
    }

    private static int invoke(MethodHandle h, cl_command_queue queue, cl_mem mem, long bytes, Pointer host) {
        try {
            return (int) h.invokeExact(queue, mem, false, 0L, bytes, host, 0, (cl_event[]) null, (cl_event) null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(int status) {
        if (status != CL.CL_SUCCESS) throw new CLException(CL.stringFor_errorCode(status), status);
    }
}
