package io.losscl.opencl;

import static org.jocl.CL.clSetKernelArg;

import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * Sets a kernel's arguments in order, then launches it:
 * {@code cl.call(k, "mse").mem(a).mem(b).ulong(n).real(scale).launch(groups)}.
 */
public final class KernelCall {
    private final OpenClContext cl;
    private final cl_kernel kernel;
    private final String name;
    private int index;

    KernelCall(OpenClContext cl, cl_kernel kernel, String name) {
        this.cl = cl;
        this.kernel = kernel;
        this.name = name;
    }

    /** A buffer argument; {@code null} passes a NULL pointer (for an unused optional input). */
    public KernelCall mem(DeviceBuffer buffer) { return mem(buffer == null ? null : buffer.mem()); }

    /** A {@code cl_mem} argument; {@code null} passes a NULL pointer. */
    public KernelCall mem(cl_mem mem) {
        int i = index++;
        ClCalls.run(() -> "clSetKernelArg(" + name + ", " + i + ")",
                () -> clSetKernelArg(kernel, i, Sizeof.cl_mem, mem == null ? null : Pointer.to(mem)));
        return this;
    }

    /** An {@code acc_t} argument: double where the kernel's program computes in double, else float. */
    public KernelCall real(double v) {
        int i = index++;
        if (cl.computesInDouble(kernel)) {
            ClCalls.run(() -> "clSetKernelArg(" + name + ", " + i + ")", () -> clSetKernelArg(kernel, i, Sizeof.cl_double, Pointer.to(new double[] {v})));
        } else {
            ClCalls.run(() -> "clSetKernelArg(" + name + ", " + i + ")", () -> clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {(float) v})));
        }
        return this;
    }

    /** A {@code ulong} argument. */
    public KernelCall ulong(long v) {
        int i = index++;
        ClCalls.run(() -> "clSetKernelArg(" + name + ", " + i + ")", () -> clSetKernelArg(kernel, i, Sizeof.cl_ulong, Pointer.to(new long[] {v})));
        return this;
    }

    /** A {@code long} argument (signed 64-bit, e.g. an ignore_index). */
    public KernelCall int64(long v) { return ulong(v); }

    /** An {@code int} argument. */
    public KernelCall int32(int v) {
        int i = index++;
        ClCalls.run(() -> "clSetKernelArg(" + name + ", " + i + ")", () -> clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v})));
        return this;
    }

    /**
     * The trailing parameters of a reducing kernel (common.cl's {@code SUM_ARGS}): the reduced output is
     * {@code scale} times the sum, written by the work-group that finishes last, counted on the queue's
     * counter. Passed by every kernel declared with them, reducing or not.
     */
    public KernelCall sumArgs(double scale) { return real(scale).mem(cl.doneCounter()); }

    /** Enqueues {@code groups} work-groups of the device profile's size. */
    public void launch(long groups) { cl.launch(kernel, name, Math.max(1, groups)); }
}
