package io.losscl.opencl;

import static org.jocl.CL.clSetKernelArg;

import org.jocl.CLException;
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
    private final String detail;
    private final SetArgs set;
    private int index;

    KernelCall(OpenClContext cl, cl_kernel kernel, String name, String detail, SetArgs set) {
        this.cl = cl;
        this.kernel = kernel;
        this.name = name;
        this.detail = detail;
        this.set = set;
    }

    /**
     * The values a kernel's arguments hold: a kernel object keeps its arguments between launches, so a
     * training loop's calls (the same pooled buffers, the same sizes) skip the {@code clSetKernelArg} calls
     * that would set what is already there (each a driver call through JNI). One per kernel, used holding
     * the context's lock, like the kernel.
     */
    static final class SetArgs {
        private Object[] mems = new Object[16];
        private long[] bits = new long[16];
        private byte[] kinds = new byte[16]; // 0: not set, 1: cl_mem (mems), 2: scalar of 4 bytes, 3: of 8 bytes (bits)

        /** Whether argument {@code i} already holds this value (and records it as held otherwise). */
        boolean holds(int i, byte kind, Object mem, long value) {
            if (i >= kinds.length) {
                int n = Math.max(i + 1, 2 * kinds.length);
                mems = java.util.Arrays.copyOf(mems, n);
                bits = java.util.Arrays.copyOf(bits, n);
                kinds = java.util.Arrays.copyOf(kinds, n);
            }
            if (kinds[i] == kind && mems[i] == mem && bits[i] == value) return true;
            kinds[i] = 0; // until the call below succeeds
            return false;
        }

        void held(int i, byte kind, Object mem, long value) {
            kinds[i] = kind;
            mems[i] = mem;
            bits[i] = value;
        }
    }

    private static final byte MEM = 1, FOUR = 2, EIGHT = 3;

    /** A buffer argument; {@code null} passes a NULL pointer (for an unused optional input). */
    public KernelCall mem(DeviceBuffer buffer) { return mem(buffer == null ? null : buffer.mem()); }

    /** A {@code cl_mem} argument; {@code null} passes a NULL pointer. */
    public KernelCall mem(cl_mem mem) {
        int i = index++;
        if (set.holds(i, MEM, mem, 0)) return this;
        setArg(i, Sizeof.cl_mem, mem == null ? null : Pointer.to(mem));
        set.held(i, MEM, mem, 0);
        return this;
    }

    /** An {@code acc_t} argument: double where the kernel's program computes in double, else float. */
    public KernelCall real(double v) {
        if (cl.computesInDouble(kernel)) {
            int i = index++;
            long bits = Double.doubleToRawLongBits(v);
            if (set.holds(i, EIGHT, null, bits)) return this;
            setArg(i, Sizeof.cl_double, Pointer.to(new double[] {v}));
            set.held(i, EIGHT, null, bits);
            return this;
        }
        int i = index++;
        int bits = Float.floatToRawIntBits((float) v);
        if (set.holds(i, FOUR, null, bits)) return this;
        setArg(i, Sizeof.cl_float, Pointer.to(new float[] {(float) v}));
        set.held(i, FOUR, null, bits);
        return this;
    }

    /** A {@code ulong} argument. */
    public KernelCall ulong(long v) {
        int i = index++;
        if (set.holds(i, EIGHT, null, v)) return this;
        setArg(i, Sizeof.cl_ulong, Pointer.to(new long[] {v}));
        set.held(i, EIGHT, null, v);
        return this;
    }

    /** A {@code long} argument (signed 64-bit, e.g. an ignore_index). */
    public KernelCall int64(long v) { return ulong(v); }

    /** An {@code int} argument. */
    public KernelCall int32(int v) {
        int i = index++;
        if (set.holds(i, FOUR, null, v)) return this;
        setArg(i, Sizeof.cl_int, Pointer.to(new int[] {v}));
        set.held(i, FOUR, null, v);
        return this;
    }

    /** {@code clSetKernelArg} through {@link ClCalls}, without a lambda: a fresh JVM links each lambda on its first call. */
    private void setArg(int i, long size, Pointer value) {
        try {
            if (ClCalls.hooked()) ClCalls.faultPoint(argName(i));
            clSetKernelArg(kernel, i, size, value);
        } catch (CLException e) {
            throw ClCalls.failure(argName(i), e);
        }
    }

    private String argName(int i) { return "clSetKernelArg(" + OpenClContext.kernelLabel(name, detail) + ", " + i + ")"; }

    /**
     * The trailing parameters of a reducing kernel (common.cl's {@code SUM_ARGS}): the reduced output is
     * {@code scale} times the sum, written by the work-group that finishes last, counted on the queue's
     * counter. Passed by every kernel declared with them, reducing or not.
     */
    public KernelCall sumArgs(double scale) { return real(scale).mem(cl.doneCounter()); }

    /** Enqueues {@code groups} work-groups of the device profile's size. */
    public void launch(long groups) { cl.launch(kernel, name, detail, Math.max(1, groups)); }
}
