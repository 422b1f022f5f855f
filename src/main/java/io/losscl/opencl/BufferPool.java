package io.losscl.opencl;

import static org.jocl.CL.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * Reuses {@code cl_mem} objects across calls. Fresh memory is expensive (on a CPU device every new
 * page faults on first touch, ~15 us per 4 KiB), so buffers are kept by size class — powers of two
 * from 4 KiB — and handed out again instead of being allocated per call. Idle buffers beyond
 * {@code maxIdleBytes} are released at once. Thread-safe.
 *
 * <p>On a device that reads host memory in place (a CPU device, checked by {@link #hostMemoryShared}),
 * buffers up to {@link #HOST_BACKED_MAX} are <em>host-backed</em>: a page-aligned direct buffer handed to
 * OpenCL with {@code CL_MEM_USE_HOST_PTR}, so an upload or a small read is a copy on the caller's thread
 * instead of a queued transfer (on POCL each transfer command costs a worker wake-up, 30-50 us). Each
 * buffer remembers the context's command count when it was given back ({@link DeviceBuffer#releasedAt}):
 * until the queue has run that far, a command of an earlier call may still be reading it.
 */
final class BufferPool implements AutoCloseable {
    /** The largest host-backed size class: beyond it a copy costs more than the command it saves. */
    static final long HOST_BACKED_MAX = 4L << 20;

    private final cl_context context;
    private final long maxIdleBytes;
    private final boolean hostBacked;
    private final LongSupplier commandClock;
    /** Idle buffers by size: powers of two (every size class up to the device's largest buffer) by exponent, others by size. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Slot>[] idlePowers = new ArrayDeque[64];
    private final Map<Long, ArrayDeque<Slot>> idleOthers = new HashMap<>();
    /** Host-backed buffers given back beyond the idle limit, released once the queue has run ({@link #queueDone}). */
    private final java.util.List<Slot> retired = new java.util.ArrayList<>();
    private long idleBytes;
    private long liveBuffers;
    private long borrowedBytes;
    private long peakBorrowedBytes;
    private boolean closed;

    /**
     * A pooled memory object, its host memory (host-backed buffers only) and the command count when last given
     * back; one per memory object, lent with each {@link DeviceBuffer} over it and idle again when that closes.
     */
    static final class Slot {
        final cl_mem mem;
        final ByteBuffer host;
        long releasedAt;

        Slot(cl_mem mem, ByteBuffer host) {
            this.mem = mem;
            this.host = host;
        }
    }

    /** A pool of plain device buffers. */
    BufferPool(cl_context context, long maxIdleBytes) {
        this(context, maxIdleBytes, false, () -> 0);
    }

    /**
     * A pool whose small buffers are host-backed when {@code hostBacked}; {@code commandClock} counts the
     * context's enqueued commands (see {@link DeviceBuffer#releasedAt}).
     */
    BufferPool(cl_context context, long maxIdleBytes, boolean hostBacked, LongSupplier commandClock) {
        this.context = context;
        this.maxIdleBytes = maxIdleBytes;
        this.hostBacked = hostBacked;
        this.commandClock = commandClock;
    }

    /**
     * A buffer of at least {@code bytes} bytes; its size class, unless that would exceed
     * {@code maxAllocBytes} (the device's largest buffer), then {@code bytes} rounded up to 4 KiB.
     */
    synchronized DeviceBuffer borrow(long bytes, long maxAllocBytes) {
        if (closed) throw new IllegalStateException("buffer pool closed");
        long size = sizeClass(bytes) <= maxAllocBytes ? sizeClass(bytes) : (bytes + 4095) & ~4095L;
        ArrayDeque<Slot> q = idle(size);
        Slot slot = q.poll();
        if (slot != null) {
            idleBytes -= size;
        } else {
            slot = hostBacked && size <= HOST_BACKED_MAX ? hostBackedSlot(size) : new Slot(
                    ClCalls.call("clCreateBuffer(" + size + " bytes)", () -> clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null)), null);
            liveBuffers++;
        }
        borrowedBytes += size;
        peakBorrowedBytes = Math.max(peakBorrowedBytes, borrowedBytes);
        return new DeviceBuffer(this, slot, size);
    }

    private Slot hostBackedSlot(long size) {
        ByteBuffer host = pageAligned(size);
        cl_mem mem = ClCalls.call("clCreateBuffer(CL_MEM_USE_HOST_PTR, " + size + " bytes)",
                () -> clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, size, Pointer.to(host), null));
        return new Slot(mem, host);
    }

    /** A direct buffer of {@code bytes} starting on a page (runtimes read a host pointer in place only if it is aligned). */
    private static ByteBuffer pageAligned(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes + 4096)).alignedSlice(4096).limit(Math.toIntExact(bytes))
                .slice().order(ByteOrder.nativeOrder());
    }

    synchronized void giveBack(Slot slot, long size) {
        borrowedBytes -= size;
        if (!closed && slot.host != null && idleBytes + size > maxIdleBytes) {
            // A command of the call may still read its host memory, which a release would let the JVM free.
            retired.add(slot);
            return;
        }
        if (closed || idleBytes + size > maxIdleBytes) {
            clReleaseMemObject(slot.mem);
            liveBuffers--;
            return;
        }
        slot.releasedAt = commandClock.getAsLong();
        idle(size).push(slot);
        idleBytes += size;
    }

    /** The idle buffers of {@code size} bytes (indexed without boxing the size: this runs twice per buffer per call). */
    private ArrayDeque<Slot> idle(long size) {
        if (Long.bitCount(size) == 1) {
            int k = Long.numberOfTrailingZeros(size);
            if (idlePowers[k] == null) idlePowers[k] = new ArrayDeque<>();
            return idlePowers[k];
        }
        return idleOthers.computeIfAbsent(size, s -> new ArrayDeque<>());
    }

    /** Whether buffers up to {@link #HOST_BACKED_MAX} are host-backed. */
    boolean hostBacked() { return hostBacked; }

    /** The queue has run every command enqueued so far: retired host-backed buffers are released. */
    synchronized void queueDone() {
        for (Slot s : retired) {
            clReleaseMemObject(s.mem);
            liveBuffers--;
        }
        retired.clear();
    }

    /**
     * Whether {@code context}'s device reads a {@code CL_MEM_USE_HOST_PTR} buffer in place: a value written to
     * the host memory is what the device reads, and what a command writes is in the host memory after
     * {@code clFinish}. Runtimes may instead copy the host memory at creation (a GPU, a simulator); then the pool
     * keeps plain buffers.
     */
    static boolean hostMemoryShared(cl_context context, cl_command_queue queue) {
        ByteBuffer host = pageAligned(4096);
        cl_mem mem = ClCalls.call("clCreateBuffer(CL_MEM_USE_HOST_PTR, probe)",
                () -> clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, 4096, Pointer.to(host), null));
        try {
            host.putInt(0, 0x5eed);
            int[] seen = new int[1];
            ClCalls.run("clEnqueueReadBuffer(probe)", () -> clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, 4, Pointer.to(seen), 0, null, null));
            if (seen[0] != 0x5eed) return false;
            ClCalls.run("clEnqueueFillBuffer(probe)", () -> clEnqueueFillBuffer(queue, mem, Pointer.to(new int[] {0x0bad}), 4, 0, 4, 0, null, null));
            ClCalls.run("clFinish(probe)", () -> clFinish(queue));
            return host.getInt(0) == 0x0bad;
        } finally {
            clReleaseMemObject(mem);
        }
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
        queueDone(); // the context finished its queue before closing the pool
        List<ArrayDeque<Slot>> all = new ArrayList<>(idleOthers.values());
        for (ArrayDeque<Slot> q : idlePowers) if (q != null) all.add(q);
        for (ArrayDeque<Slot> q : all) {
            for (Slot s : q) {
                clReleaseMemObject(s.mem);
                liveBuffers--;
            }
            q.clear();
        }
        idleOthers.clear();
        idleBytes = 0;
    }
}
