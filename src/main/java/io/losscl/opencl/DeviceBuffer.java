package io.losscl.opencl;

import org.jocl.cl_mem;

/**
 * A {@code cl_mem} of at least {@link #bytes()} bytes, borrowed from the context's {@link BufferPool}.
 * Closing it returns it to the pool; the pool releases everything when the context closes.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final BufferPool pool;
    private final cl_mem mem;
    private final long capacity;
    private boolean closed;

    DeviceBuffer(BufferPool pool, cl_mem mem, long capacity) {
        this.pool = pool;
        this.mem = mem;
        this.capacity = capacity;
    }

    /** The OpenCL memory object (valid until closed). */
    public cl_mem mem() {
        if (closed) throw new IllegalStateException("device buffer used after close");
        return mem;
    }

    /** Capacity in bytes. */
    public long bytes() { return capacity; }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            pool.giveBack(mem, capacity);
        }
    }
}
