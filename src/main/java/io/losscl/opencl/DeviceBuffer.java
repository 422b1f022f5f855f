package io.losscl.opencl;

import static org.jocl.CL.clReleaseMemObject;

import java.nio.ByteBuffer;
import org.jocl.cl_mem;

/**
 * A {@code cl_mem} of at least {@link #bytes()} bytes: borrowed from the context's {@link BufferPool}
 * (closing it returns it to the pool; the pool releases everything when the context closes), owned
 * outright (closing releases it), or a view of the caller's memory object (closing never releases it).
 */
public final class DeviceBuffer implements AutoCloseable {
    private final BufferPool pool;
    private final BufferPool.Slot slot;
    private final cl_mem mem;
    private final long capacity;
    private final boolean releaseOnClose;
    private final ByteBuffer host;
    private final long releasedAt;
    private boolean closed;

    /** A pooled buffer over {@code slot}'s memory object ({@link #host} and {@link #releasedAt} are the slot's). */
    DeviceBuffer(BufferPool pool, BufferPool.Slot slot, long capacity) {
        this(pool, slot, slot.mem, capacity, false, slot.host, slot.releasedAt);
    }

    private DeviceBuffer(BufferPool pool, BufferPool.Slot slot, cl_mem mem, long capacity, boolean releaseOnClose, ByteBuffer host,
                         long releasedAt) {
        this.pool = pool;
        this.slot = slot;
        this.mem = mem;
        this.capacity = capacity;
        this.releaseOnClose = releaseOnClose;
        this.host = host;
        this.releasedAt = releasedAt;
    }

    /** A buffer that releases {@code mem} when closed. */
    static DeviceBuffer owning(cl_mem mem, long bytes) { return new DeviceBuffer(null, null, mem, bytes, true, null, 0); }

    /** A view of the caller's {@code mem}: closing it never releases the caller's object. */
    static DeviceBuffer view(cl_mem mem, long bytes) { return new DeviceBuffer(null, null, mem, bytes, false, null, 0); }

    /**
     * The host memory the device reads in place ({@link BufferPool}'s host-backed buffers), or {@code null}:
     * the host may touch it only once the queue has run past {@link #releasedAt}.
     */
    ByteBuffer host() {
        if (closed) throw new IllegalStateException("device buffer used after close");
        return host;
    }

    /** The context's command count when this pooled buffer was last given back: commands up to it may still use it. */
    long releasedAt() { return releasedAt; }

    /** @return the OpenCL memory object (valid until closed) */
    public cl_mem mem() {
        if (closed) throw new IllegalStateException("device buffer used after close");
        return mem;
    }

    /** True once closed. */
    synchronized boolean isClosed() { return closed; }

    /** @return capacity in bytes */
    public long bytes() { return capacity; }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (pool != null) pool.giveBack(slot, capacity);
            else if (releaseOnClose) clReleaseMemObject(mem);
        }
    }
}
