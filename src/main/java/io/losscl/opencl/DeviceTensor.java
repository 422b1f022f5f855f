package io.losscl.opencl;

import static org.jocl.CL.CL_MEM_CONTEXT;
import static org.jocl.CL.CL_MEM_SIZE;
import static org.jocl.CL.clGetMemObjectInfo;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.UnsupportedFeatureException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * A tensor resident in one OpenCL device's memory: pass it to losses on the same engine and only what
 * you ask for ({@link #toHost()}) crosses to the host.
 *
 * <p>Two kinds: a tensor losscl allocated ({@link io.losscl.LossEngine#upload}, or a result of a call on
 * device tensors), which owns pooled device memory — close it (or the {@link io.losscl.LossResult} holding
 * it) to give that memory back, before closing the engine; and a view of the caller's own {@code cl_mem}
 * ({@link #wrap}), usable by any engine on that buffer's OpenCL context, which never releases the caller's
 * memory object (closing the view only marks it unusable).
 *
 * <p>After its engine is closed, reading a tensor throws {@link io.losscl.EngineClosedException}.
 */
public final class DeviceTensor implements Tensor, AutoCloseable {
    /** The engine's context that made this tensor; {@code null} for a view of a caller's {@code cl_mem}. */
    private final OpenClContext owner;
    /** The OpenCL context the memory object lives in. */
    private final cl_context context;
    private final DeviceBuffer buffer;
    private final DType dtype;
    private final Shape shape;

    DeviceTensor(OpenClContext owner, DeviceBuffer buffer, DType dtype, Shape shape) {
        this(owner, owner.clContext(), buffer, dtype, shape);
    }

    private DeviceTensor(OpenClContext owner, cl_context context, DeviceBuffer buffer, DType dtype, Shape shape) {
        this.owner = owner;
        this.context = context;
        this.buffer = buffer;
        this.dtype = dtype;
        this.shape = shape;
    }

    /**
     * A view of the caller's OpenCL buffer as a tensor, dense and row-major, starting at offset 0; no
     * copy. Pass it to an engine made by {@link io.losscl.LossEngine#onOpenCl} on the buffer's context: the
     * engine's kernels read it (and {@link io.losscl.LossEngine#computeGradientInPlace} writes it) in the
     * caller's queue order. Closing the view never releases {@code mem}: the caller keeps owning it.
     *
     * @param mem the caller's memory object, of at least {@code numel * dtype.bytes()} bytes
     * @param dtype the element type
     * @param shape the shape
     * @return the view
     * @throws InvalidArgumentException for a null argument or a buffer smaller than the shape needs
     */
    public static DeviceTensor wrap(cl_mem mem, DType dtype, Shape shape) {
        if (mem == null || dtype == null || shape == null) {
            throw new InvalidArgumentException("DeviceTensor.wrap: " + (mem == null ? "mem" : dtype == null ? "dtype" : "shape") + " is null");
        }
        long[] size = new long[1];
        ClCalls.run("clGetMemObjectInfo(CL_MEM_SIZE)", () -> clGetMemObjectInfo(mem, CL_MEM_SIZE, Sizeof.size_t, Pointer.to(size), null));
        long need = shape.numel() * dtype.bytes();
        if (size[0] < need) {
            throw new InvalidArgumentException("DeviceTensor.wrap: a " + dtype + " tensor of shape " + shape + " needs " + need
                    + " bytes, the cl_mem has " + size[0]);
        }
        cl_context context = new cl_context();
        ClCalls.run("clGetMemObjectInfo(CL_MEM_CONTEXT)",
                () -> clGetMemObjectInfo(mem, CL_MEM_CONTEXT, Sizeof.cl_context, Pointer.to(context), null));
        return new DeviceTensor(null, context, DeviceBuffer.view(mem, size[0]), dtype, shape);
    }

    @Override public DType dtype() { return dtype; }
    @Override public Shape shape() { return shape; }

    /**
     * Downloads the data (blocking: waits for the engine's queue up to this read).
     *
     * @throws io.losscl.EngineClosedException when the engine that made this tensor is closed
     * @throws UnsupportedFeatureException for a view of a caller's {@code cl_mem}: read it on your own queue
     */
    @Override
    public HostTensor toHost() {
        OpenClContext cl = reader();
        synchronized (cl) {
            cl.ensureOpen("the engine that made this tensor is closed: " + this);
            return cl.read(buffer, dtype, shape);
        }
    }

    /** Downloads the data straight into {@code dst}'s array (blocking). */
    @Override
    public void copyTo(HostTensor dst) {
        if (dst.dtype() != dtype || dst.numel() != numel()) {
            throw new InvalidArgumentException("cannot copy " + this + " into a " + dst.dtype() + " tensor of shape " + dst.shape());
        }
        OpenClContext cl = reader();
        synchronized (cl) {
            cl.ensureOpen("the engine that made this tensor is closed: " + this);
            cl.readInto(buffer, dst);
        }
    }

    private OpenClContext reader() {
        if (owner == null) {
            throw new UnsupportedFeatureException("a DeviceTensor.wrap view is the caller's cl_mem: read it with clEnqueueReadBuffer on your own queue");
        }
        return owner;
    }

    /** @return the device buffer (for kernels of the owning context) */
    public DeviceBuffer buffer() { return buffer; }

    /** @return true when this is a view of a caller's {@code cl_mem} ({@link #wrap}) */
    public boolean isView() { return owner == null; }

    /** The context this tensor lives in; {@code null} for a view of a caller's {@code cl_mem}. */
    OpenClContext owner() { return owner; }

    /** True when kernels of {@code cl} may use this tensor: made by it, or a view of a buffer in its OpenCL context. */
    boolean usableBy(OpenClContext cl) {
        return owner == cl || (owner == null && context.equals(cl.clContext()));
    }

    /** True once closed (its memory given back, or the view given up). */
    boolean isClosed() { return buffer.isClosed(); }

    @Override
    public void close() { buffer.close(); }

    @Override
    public String toString() {
        return "DeviceTensor(" + dtype + ", " + shape + ", " + (owner == null ? "view of a caller's cl_mem" : owner.device().name()) + ")";
    }
}
