package io.losscl.opencl;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Shape;
import io.losscl.Tensor;

/**
 * A tensor resident in one OpenCL device's memory: pass it to losses on the same engine and only
 * what you ask for ({@link #toHost()}) crosses to the host. Close it to return its memory to the
 * engine's pool; it must be closed before the engine.
 */
public final class DeviceTensor implements Tensor, AutoCloseable {
    private final OpenClContext owner;
    private final DeviceBuffer buffer;
    private final DType dtype;
    private final Shape shape;

    DeviceTensor(OpenClContext owner, DeviceBuffer buffer, DType dtype, Shape shape) {
        this.owner = owner;
        this.buffer = buffer;
        this.dtype = dtype;
        this.shape = shape;
    }

    @Override public DType dtype() { return dtype; }
    @Override public Shape shape() { return shape; }

    /** Downloads the data (blocking). */
    @Override
    public HostTensor toHost() {
        synchronized (owner) {
            return owner.read(buffer, dtype, shape);
        }
    }

    /** Downloads the data straight into {@code dst}'s array (blocking). */
    @Override
    public void copyTo(HostTensor dst) {
        if (dst.dtype() != dtype || dst.numel() != numel()) {
            throw new IllegalArgumentException("cannot copy " + this + " into a " + dst.dtype() + " tensor of shape " + dst.shape());
        }
        synchronized (owner) {
            owner.readInto(buffer, dst);
        }
    }

    /** The device buffer (for kernels of the owning context). */
    public DeviceBuffer buffer() { return buffer; }

    /** The context this tensor lives in. */
    OpenClContext owner() { return owner; }

    @Override
    public void close() { buffer.close(); }

    @Override
    public String toString() { return "DeviceTensor(" + dtype + ", " + shape + ", " + owner.device().name() + ")"; }
}
