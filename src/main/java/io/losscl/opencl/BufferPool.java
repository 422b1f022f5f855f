package io.losscl.opencl;

import static org.jocl.CL.*;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * Reuses {@code cl_mem} objects across calls. Fresh memory is expensive (on a CPU device every new
 * page faults on first touch, ~15 us per 4 KiB), so buffers are kept by size class — powers of two
 * from 4 KiB — and handed out again instead of being allocated per call. Idle buffers beyond
 * {@code maxIdleBytes} are released at once. Thread-safe.
 */
final class BufferPool implements AutoCloseable {
    private final cl_context context;
    private final long maxIdleBytes;
    private final Map<Long, ArrayDeque<cl_mem>> idle = new HashMap<>();
    private long idleBytes;
    private long liveBuffers;
    private long borrowedBytes;
    private long peakBorrowedBytes;
    private boolean closed;

    BufferPool(cl_context context, long maxIdleBytes) {
        this.context = context;
        this.maxIdleBytes = maxIdleBytes;
    }

    /**
     * A buffer of at least {@code bytes} bytes; its size class, unless that would exceed
     * {@code maxAllocBytes} (the device's largest buffer), then {@code bytes} rounded up to 4 KiB.
     */
    synchronized DeviceBuffer borrow(long bytes, long maxAllocBytes) {
        if (closed) throw new IllegalStateException("buffer pool closed");
        long size = sizeClass(bytes) <= maxAllocBytes ? sizeClass(bytes) : (bytes + 4095) & ~4095L;
        ArrayDeque<cl_mem> q = idle.get(size);
        cl_mem mem = q == null ? null : q.poll();
        if (mem != null) {
            idleBytes -= size;
        } else {
            mem = ClCalls.call("clCreateBuffer(" + size + " bytes)", () -> clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null));
            liveBuffers++;
        }
        borrowedBytes += size;
        peakBorrowedBytes = Math.max(peakBorrowedBytes, borrowedBytes);
        return new DeviceBuffer(this, mem, size);
    }

    synchronized void giveBack(cl_mem mem, long size) {
        borrowedBytes -= size;
        if (closed || idleBytes + size > maxIdleBytes) {
            clReleaseMemObject(mem);
            liveBuffers--;
            return;
        }
        idle.computeIfAbsent(size, k -> new ArrayDeque<>()).push(mem);
        idleBytes += size;
    }

    /** Bytes borrowed and not yet given back (size classes), and their high-water mark since {@link #resetPeak}. */
    synchronized long borrowedBytes() { return borrowedBytes; }

    synchronized long peakBorrowedBytes() { return peakBorrowedBytes; }

    /** Starts a new high-water mark at the bytes borrowed now. */
    synchronized void resetPeak() { peakBorrowedBytes = borrowedBytes; }

    /** Number of {@code cl_mem} objects allocated and not yet released (borrowed or idle). */
    synchronized long liveBuffers() { return liveBuffers; }

    static long sizeClass(long bytes) {
        long size = 4096;
        while (size < bytes) size <<= 1;
        return size;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ArrayDeque<cl_mem> q : idle.values()) {
            for (cl_mem m : q) {
                clReleaseMemObject(m);
                liveBuffers--;
            }
        }
        idle.clear();
        idleBytes = 0;
    }
}
