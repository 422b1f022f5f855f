package io.losscl.opencl;

import static org.jocl.CL.*;

import io.losscl.Backend;
import io.losscl.DType;
import io.losscl.EngineClosedException;
import io.losscl.HostTensor;
import io.losscl.Shape;
import io.losscl.UnsupportedFeatureException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;

/**
 * One device's context, in-order queue, compiled programs and buffer pool. Every method must be
 * called holding this object's monitor (the backend does); kernels and the queue are not shared
 * between threads otherwise.
 */
public final class OpenClContext implements AutoCloseable {
    private final DeviceInfo device;
    private final LaunchConfig config;
    private final cl_context context;
    private final cl_command_queue queue;
    private final ProgramCache programs;
    private final BufferPool pool;
    /** The kernels whose program computes in double (acc_t = double): their acc_t arguments are doubles. */
    private final Map<cl_kernel, Boolean> doubleKernels = new ConcurrentHashMap<>();
    private final DeviceBuffer doneCounter;
    /** The calls' device error flag ({@link #errorFlag}), and whether it is known to hold {@link CallScope#NO_ERROR}. */
    private final DeviceBuffer errorFlag;
    private boolean errorFlagClear;
    /** Host staging for small uploads: they are enqueued without waiting (see {@link #write}). */
    private java.nio.ByteBuffer stage = java.nio.ByteBuffer.allocateDirect(64 << 10).order(java.nio.ByteOrder.nativeOrder());
    /** Bytes of {@link #stage} whose uploads may still be pending (nothing waited for since). */
    private int staged;
    /** Commands enqueued (launches and transfers) since the context opened, and the latest ones by name (volatile: the pool reads it). */
    private volatile long commands;
    /** {@link #commands} at the latest host wait: the queue has run every command up to it. */
    private long completedThrough;
    /** Uploads up to this many bytes are staged ({@link #stagingLimit}). */
    private final int stageMax;
    private final String backendName;

    /** Each a {@code Supplier<String>} or an object whose {@code toString} names the command (built only when asked). */
    private final java.util.ArrayDeque<Object> recentCommands = new java.util.ArrayDeque<>();
    private HostTensor outputInto;
    private Map<String, HostTensor> gradsInto = Map.of();
    private boolean closed;
    private long maxAllocBytes;
    /** A sub-device this context was opened on (OpenClBackend.openSubDevices), released with it. */
    private boolean ownsDevice;

    OpenClContext(DeviceInfo device, LaunchConfig config, java.nio.file.Path programCacheDir) {
        this.device = device;
        this.backendName = "opencl:" + device.name();
        this.config = config;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, device.platform);
        this.context = ClCalls.call("clCreateContext(" + device.name() + ")",
                () -> clCreateContext(props, 1, new org.jocl.cl_device_id[] {device.device}, null, null, null));
        @SuppressWarnings("deprecation")
        cl_command_queue q = ClCalls.call("clCreateCommandQueue", () -> clCreateCommandQueue(context, device.device, 0, null));
        this.queue = q;
        this.programs = new ProgramCache(context, device.device, ProgramStore.open(programCacheDir, device));
        this.stageMax = stagingLimit(this.device);
        // Host-backed small buffers where the device reads host memory in place: the CPU profile on a CPU device
        // (the GPU profile keeps a discrete GPU's transfers, so CI runs both paths), not on Oclgrind (stageMax 0).
        boolean hostBacked = config.cpu() && device.type() == DeviceInfo.Type.CPU && stageMax > 0
                && BufferPool.hostMemoryShared(context, queue);
        this.pool = new BufferPool(context, Math.max(64L << 20, device.globalMemBytes() / 4), hostBacked, () -> commands);
        this.maxAllocBytes = device.maxAllocBytes();
        this.doneCounter = zeroedCounter();
        this.errorFlag = pool.borrow(Integer.BYTES, maxAllocBytes);
    }

    /** The largest buffer this context allocates: the device's {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}. */
    public long maxAllocBytes() { return maxAllocBytes; }

    /** Lowers {@link #maxAllocBytes} (tests: a device limit without allocating gigabytes). */
    void limitAllocations(long bytes) { maxAllocBytes = Math.min(maxAllocBytes, bytes); }

    /** A buffer larger than the device allocates, found before asking it; the backend names the loss. */
    static final class BufferLimitException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BufferLimitException(String message) { super(message); }
    }

    /** The single-pass reductions' counter, zeroed once; the last work-group of each launch sets it back to zero. */
    private DeviceBuffer zeroedCounter() {
        DeviceBuffer b = pool.borrow(4, maxAllocBytes);
        ClCalls.run("clEnqueueWriteBuffer(done counter)", () -> clEnqueueWriteBuffer(queue, b.mem(), CL_TRUE, 0, 4,
                Pointer.to(new int[] {0}), 0, null, null));
        return b;
    }

    /** The single-pass reductions' counter of finished work-groups: zero between launches (the last group resets it). */
    DeviceBuffer doneCounter() { return doneCounter; }

    /** The device. */
    public DeviceInfo device() { return device; }

    /**
     * A context on the caller's OpenCL objects ({@link io.losscl.LossEngine#onOpenCl}): it retains them and
     * releases only its own references when closed, so the caller's handles stay valid.
     */
    OpenClContext(cl_context context, cl_device_id deviceId, cl_command_queue queue, LaunchConfig.Overrides launch) {
        cl_platform_id platform = new cl_platform_id();
        ClCalls.run("clGetDeviceInfo(CL_DEVICE_PLATFORM)",
                () -> clGetDeviceInfo(deviceId, CL_DEVICE_PLATFORM, Sizeof.cl_platform_id, Pointer.to(platform), null));
        this.device = new DeviceInfo(-1, platform, deviceId);
        this.backendName = "opencl:" + this.device.name();
        this.config = LaunchConfig.resolve(device, launch);
        ClCalls.run("clRetainContext", () -> clRetainContext(context));
        ClCalls.run("clRetainCommandQueue", () -> clRetainCommandQueue(queue));
        this.context = context;
        this.queue = queue;
        this.programs = new ProgramCache(context, deviceId, ProgramStore.open(null, device));
        this.pool = new BufferPool(context, Math.max(64L << 20, device.globalMemBytes() / 4));
        this.maxAllocBytes = device.maxAllocBytes();
        this.stageMax = stagingLimit(this.device);
        this.doneCounter = zeroedCounter();
        this.errorFlag = pool.borrow(Integer.BYTES, maxAllocBytes);
    }

    /** The OpenCL context (to check that a caller's {@code cl_mem} belongs to it). */
    cl_context clContext() { return context; }

    /**
     * Throws {@link EngineClosedException} when this context is closed: {@code what} says what was used.
     * Called holding this object's monitor.
     */
    void ensureOpen(String what) {
        if (closed) throw new EngineClosedException(what);
    }

    /**
     * A buffer over the caller's host memory ({@code CL_MEM_USE_HOST_PTR}), read in place by devices that
     * share host memory (CPU devices under the CPU profile; with host-backed pooled buffers only above
     * {@link BufferPool#HOST_BACKED_MAX});
     * {@code null} elsewhere, where the caller copies instead.
     */
    DeviceBuffer useHostMemory(HostTensor t) {
        // The GPU profile keeps a discrete GPU's path (staged copies) on any device.
        if (!config.cpu() || device.type() != DeviceInfo.Type.CPU || !t.isDirect() || t.numel() == 0) return null;
        long bytes = t.numel() * t.dtype().bytes();
        // Small ones are copied into a pooled host-backed buffer instead: as fast, and no memory object per call.
        if (pool.hostBacked() && bytes <= BufferPool.HOST_BACKED_MAX) return null;
        cl_mem mem = ClCalls.call("clCreateBuffer(CL_MEM_USE_HOST_PTR, " + bytes + " bytes)",
                () -> clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, bytes, pointerTo(Backend.storage(t)), null));
        return DeviceBuffer.owning(mem, bytes);
    }

    /** The launch: layout, work-group size, precision, row variants. */
    public LaunchConfig config() { return config; }

    /** Bytes of the widest accumulator any program of this device uses: 8 (double) where it has fp64, else 4 (buffers of acc_t are sized by it). */
    public int accBytes() { return device.hasFp64() ? 8 : 4; }

    /**
     * Whether tensors of {@code dtype} compute in double: float64 always, others under the {@code DOUBLE} precision.
     */
    public boolean computesInDouble(DType dtype) {
        return dtype == DType.FLOAT64 || config.precision() == LaunchConfig.Precision.DOUBLE;
    }

    /**
     * Build options for tensors of {@code dtype}: the launch, the arithmetic ({@code USE_FP64}: acc_t is
     * double; see {@link #computesInDouble}) and the storage type ({@code DTYPE_F64}, {@code DTYPE_F16},
     * {@code DTYPE_BF16}).
     */
    public String options(DType dtype) { return options(dtype, computesInDouble(dtype)); }

    /**
     * As {@link #options(DType)}, for a kernel that computes in double wherever the device has fp64, whatever
     * the precision policy (a long sequential recursion whose float error grows with its length: ctc_loss).
     */
    public String optionsPreferringDouble(DType dtype) { return options(dtype, prefersDouble(dtype)); }

    /** Whether a kernel built with {@link #optionsPreferringDouble} computes {@code dtype} in double. */
    public boolean prefersDouble(DType dtype) { return device.hasFp64() || dtype == DType.FLOAT64; }

    /**
     * {@code base} (this context's {@link #options(DType)} or {@link #optionsPreferringDouble}) followed by a
     * kernel's own {@code -D} flags, {@code flags.apply(key)}, where {@code key} (a small non-negative int)
     * encodes them: built once per caller ({@code flags}'s class: keys of different kernels mean different
     * flags), base and key, so a call's kernel lookup builds no string. {@code flags} must be a non-capturing
     * lambda of {@code key} alone (one that captures would be an object per call).
     */
    public String options(String base, int key, java.util.function.IntFunction<String> flags) {
        // Keys are the caller's own encoding: tables are per caller (the lambda's class, one per call site) and base.
        Map<String, String[]> byBase = flagOptions.get(flags.getClass());
        if (byBase == null) flagOptions.put(flags.getClass(), byBase = new java.util.HashMap<>());
        String[] table = byBase.get(base);
        if (table == null || table.length <= key) {
            table = java.util.Arrays.copyOf(table == null ? new String[0] : table, Math.max(key + 1, 64));
            byBase.put(base, table);
        }
        String s = table[key];
        if (s == null) table[key] = s = base + flags.apply(key);
        return s;
    }

    /** {@code 1 << shift} where {@code on}: a build flag's bit in a kernel's options key ({@link #options(String, int, java.util.function.IntFunction)}). */
    public static int flagBit(boolean on, int shift) { return on ? 1 << shift : 0; }

    /** {@link #options(String, int, java.util.function.IntFunction)}'s strings by caller, base and key. */
    private final Map<Class<?>, Map<String, String[]>> flagOptions = new java.util.HashMap<>();

    /** {@link #options(DType, boolean)} by dtype and arithmetic, built once (a call's kernel lookup builds no strings of its own). */
    private final String[] optionsBuilt = new String[DType.values().length * 2];

    private String options(DType dtype, boolean inDouble) {
        int slot = dtype.ordinal() * 2 + (inDouble ? 1 : 0);
        String built = optionsBuilt[slot];
        if (built == null) optionsBuilt[slot] = built = buildOptions(dtype, inDouble);
        return built;
    }

    private String buildOptions(DType dtype, boolean inDouble) {
        if (dtype == DType.FLOAT64 && !device.hasFp64()) {
            throw new UnsupportedFeatureException("float64 tensors need cl_khr_fp64, which " + device.name() + " lacks");
        }
        String storage;
        switch (dtype) {
            case FLOAT64: storage = "-DDTYPE_F64=1"; break;
            case FLOAT16: storage = "-DDTYPE_F16=1"; break;
            case BFLOAT16: storage = "-DDTYPE_BF16=1"; break;
            default: storage = "-DDTYPE_F32=1"; break;
        }
        return config.buildOptions() + " -DUSE_FP64=" + (inDouble ? 1 : 0) + " " + storage;
        // Deliberately no -cl-fast-relaxed-math: results must match the reference.
    }

    /**
     * Whether programs for {@code dtype} take the CPU's hand-vectorised double math ({@code cpu_math16.cl} and
     * the CPU files built on it): the chunked layout computing in double.
     */
    public boolean cpuDoubleMath(DType dtype) {
        return config.layout() == LaunchConfig.Layout.CHUNKED && computesInDouble(dtype);
    }

    /**
     * Whether a kernel whose CPU variant is built on {@code cpu_math16.cl}'s double polynomials takes that
     * variant for {@code dtype}, under either precision: the chunked layout on a device with fp64, where those
     * polynomials beat the runtime's float transcendentals (binary_cross_entropy). Such a kernel builds with
     * {@link #optionsPreferringDouble}.
     */
    public boolean cpuDoubleMathPreferred(DType dtype) {
        return config.layout() == LaunchConfig.Layout.CHUNKED && prefersDouble(dtype);
    }

    /** The kernel {@code name} from the program {@code common.cl + stems}, built once with {@code options}. */
    public cl_kernel kernel(List<String> stems, String options, String name) {
        cl_kernel k = programs.kernel(stems, options, name);
        doubleKernels.putIfAbsent(k, options.contains("-DUSE_FP64=1"));
        return k;
    }

    /** Whether {@code kernel}'s acc_t is double (its program was built with {@code USE_FP64=1}). */
    boolean computesInDouble(cl_kernel kernel) { return doubleKernels.getOrDefault(kernel, Boolean.FALSE); }

    /** Programs compiled from source and loaded from the program cache by this context: {@code {source, cached}}. */
    public int[] programBuilds() { return new int[] {programs.sourceBuilds(), programs.binaryLoads()}; }

    /** {@code opencl:<device name>}, what results name as their backend (built once). */
    public String backendName() { return backendName; }

    /** Starts setting the arguments of {@code kernel}. */
    public KernelCall call(cl_kernel kernel, String name) { return call(kernel, name, null); }

    /**
     * As {@link #call(cl_kernel, String)}, for a kernel that serves several losses: errors and the command
     * log name it {@code name(detail)} (joined only when shown: a call builds no string).
     */
    public KernelCall call(cl_kernel kernel, String name, String detail) {
        KernelCall.SetArgs held = setArgs.get(kernel);
        if (held == null) setArgs.put(kernel, held = new KernelCall.SetArgs());
        return new KernelCall(this, kernel, name, detail, held);
    }

    /** A kernel's name in messages: {@code name}, or {@code name(detail)}. */
    static String kernelLabel(String name, String detail) { return detail == null ? name : name + "(" + detail + ")"; }

    /** What each kernel's arguments hold (KernelCall skips setting them again). */
    private final Map<cl_kernel, KernelCall.SetArgs> setArgs = new java.util.HashMap<>();

    /** A pooled device buffer of at least {@code bytes} bytes. */
    public DeviceBuffer borrow(long bytes) {
        if (bytes > maxAllocBytes) {
            throw new BufferLimitException("a working buffer of " + bytes + " bytes is larger than the largest buffer " + device.name()
                    + " allocates (CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + maxAllocBytes + " bytes)");
        }
        return pool.borrow(Math.max(bytes, 1), maxAllocBytes);
    }

    /** Uploads up to this size go through the staging buffer without blocking; larger ones block (no second copy). */
    static final int STAGE_MAX = 1 << 20;

    /**
     * {@link #STAGE_MAX}, or 0 (every upload blocking) on Oclgrind: its runtime, unlike a driver, is not safe to
     * call from two threads (it then runs two kernels at once and aborts), and where JOCL's own non-blocking write
     * is used ({@link NonBlockingTransfer}) a thread of JOCL's waits on each write's event.
     */
    private static int stagingLimit(DeviceInfo device) { return device.platformName().startsWith("Oclgrind") ? 0 : STAGE_MAX; }

    /**
     * Copies a host tensor into {@code buffer}. Small tensors are copied into a host staging buffer and the
     * upload is enqueued without waiting for it (a blocking upload is a host-device round trip per input:
     * ~35 us on POCL); the in-order queue runs it before any later command, and the staging space is reused
     * only once a blocking read or {@link #finish} has waited for it. Larger tensors are uploaded blocking
     * straight from their array (Java arrays may move once the call returns). A host-backed buffer
     * ({@link BufferPool}) is written by a copy on this thread, without a command.
     */
    public void write(DeviceBuffer buffer, HostTensor t) {
        long bytes = t.numel() * t.dtype().bytes();
        if (bytes == 0) return;
        if (buffer.host() != null) { // host-backed (BufferPool): a copy, no command
            if (buffer.releasedAt() > completedThrough) finish(); // an earlier call's command may still read it
            Staging.copy(t, buffer.host(), 0, true);
            return;
        }
        if (bytes > stageMax) {
            enqueued(() -> "write " + bytes + " bytes");
            ClCalls.run(() -> "clEnqueueWriteBuffer(" + bytes + " bytes)",
                    () -> clEnqueueWriteBuffer(queue, buffer.mem(), CL_TRUE, 0, bytes, pointerTo(Backend.storage(t)), 0, null, null));
            return;
        }
        int size = (int) bytes, offset = (staged + 63) & ~63;
        if (offset + size > stage.capacity()) {
            finish(); // every staged upload done: the whole buffer is free
            offset = 0;
            if (size > stage.capacity()) stage = java.nio.ByteBuffer.allocateDirect(Math.max(size, 2 * stage.capacity())).order(java.nio.ByteOrder.nativeOrder());
        }
        Staging.copy(t, stage, offset, true);
        staged = offset + size;
        Pointer src = Pointer.to(stage).withByteOffset(offset);
        enqueued(() -> "write " + bytes + " bytes (staged)");
        ClCalls.run(() -> "clEnqueueWriteBuffer(" + bytes + " bytes)", () -> NonBlockingTransfer.write(queue, buffer.mem(), bytes, src));
    }

    /**
     * Fills {@code buffer}'s first {@code ints} ints with {@code value} without a host wait
     * ({@code clEnqueueFillBuffer}, ordered before the launches that follow on the queue).
     */
    public void fill(DeviceBuffer buffer, int value, int ints) {
        enqueued(() -> "fill " + ints + " ints");
        ClCalls.run(() -> "clEnqueueFillBuffer(" + ints + " ints)",
                () -> clEnqueueFillBuffer(queue, buffer.mem(), Pointer.to(new int[] {value}), Integer.BYTES, 0,
                        (long) ints * Integer.BYTES, 0, null, null));
    }

    /**
     * The device error flag of the call about to run ({@link CallScope#errorFlag}): one int per context, holding
     * {@link CallScope#NO_ERROR} for the call's kernels to lower. It is filled ({@code clEnqueueFillBuffer}, no host
     * wait) only when it may hold something else: never filled yet, flagged, or used by a call that did not read
     * it back (a failed call). A call that found it clear leaves it clear, so a small checked call is its
     * launches and one read.
     */
    DeviceBuffer errorFlag() {
        if (!errorFlagClear) fill(errorFlag, CallScope.NO_ERROR, 1);
        errorFlagClear = false; // until read back: this call's kernels may lower it
        return errorFlag;
    }

    /** The value of the error flag ({@link #errorFlag}), after every command queued before (blocking). */
    int readFlag(DeviceBuffer flag) {
        int[] v = new int[1];
        enqueued("read error flag");
        ClCalls.run("clEnqueueReadBuffer(error flag)", () -> clEnqueueReadBuffer(queue, flag.mem(), CL_TRUE, 0,
                Integer.BYTES, Pointer.to(v), 0, null, null));
        waited(); // a blocking read: every command before it has run
        errorFlagClear = flag == errorFlag && v[0] == CallScope.NO_ERROR;
        return v[0];
    }

    /** Host staging for small results read back together ({@link #readResults}). */
    private java.nio.ByteBuffer readStage = java.nio.ByteBuffer.allocateDirect(64 << 10).order(java.nio.ByteOrder.nativeOrder());

    /**
     * Reads each of {@code buffers} into the host tensor beside it in {@code into}, and the error flag {@code flag}
     * (if not null), with one host wait instead of one per result: small results (up to {@link #STAGE_MAX}) are
     * read without blocking into a host staging buffer and copied out after the wait; larger ones are read
     * blocking straight into their arrays, after the small ones (the in-order queue has then run those too).
     * Returns the flag's value ({@link CallScope#NO_ERROR} without a flag); a flagged call's results are not
     * copied out, and with a flag and a large result the flag is read first, so the caller's arrays are untouched.
     * Host-backed buffers ({@link BufferPool}) need no read command: one {@code clFinish}, then copies.
     */
    int readResults(DeviceBuffer flag, java.util.List<DeviceBuffer> buffers, java.util.List<HostTensor> into) {
        int n = buffers.size();
        if (hostBacked(flag, buffers)) { // one wait, then copies: no read commands
            finish();
            int f = flag != null ? flag.host().getInt(0) : CallScope.NO_ERROR;
            if (flag != null) errorFlagClear = flag == errorFlag && f == CallScope.NO_ERROR;
            if (f == CallScope.NO_ERROR) for (int i = 0; i < n; i++) Staging.copy(into.get(i), buffers.get(i).host(), 0, false);
            return f;
        }
        long[] bytes = new long[n];
        boolean large = false;
        for (int i = 0; i < n; i++) {
            bytes[i] = into.get(i).numel() * into.get(i).dtype().bytes();
            large |= bytes[i] > stageMax;
        }
        if (flag != null && (large || n == 0)) {
            int f = readFlag(flag);
            if (f != CallScope.NO_ERROR || n == 0) return f;
            flag = null;
        }
        if (flag == null && n == 1) {
            readInto(buffers.get(0), into.get(0)); // one result: read it straight into its array
            return CallScope.NO_ERROR;
        }
        // Staging layout: the flag at 0, then each small result at a 64-byte boundary.
        int[] at = new int[n];
        int end = flag != null ? 64 : 0;
        for (int i = 0; i < n; i++) {
            if (bytes[i] > stageMax || bytes[i] == 0) continue;
            at[i] = end;
            end += (int) ((bytes[i] + 63) & ~63L);
        }
        if (end > readStage.capacity()) {
            readStage = java.nio.ByteBuffer.allocateDirect(Math.max(end, 2 * readStage.capacity())).order(java.nio.ByteOrder.nativeOrder());
        }
        if (flag != null) readStaged(flag, Integer.BYTES, 0, () -> "read error flag");
        for (int i = 0; i < n; i++) {
            if (bytes[i] <= stageMax && bytes[i] > 0) {
                long b = bytes[i];
                readStaged(buffers.get(i), b, at[i], () -> "read " + b + " bytes (staged)");
            }
        }
        for (int i = 0; i < n; i++) if (bytes[i] > stageMax) readInto(buffers.get(i), into.get(i));
        if (!large) finish(); // else the blocking reads above waited
        int f = flag != null ? readStage.getInt(0) : CallScope.NO_ERROR;
        if (flag != null) errorFlagClear = flag == errorFlag && f == CallScope.NO_ERROR;
        if (f != CallScope.NO_ERROR) return f;
        for (int i = 0; i < n; i++) if (bytes[i] <= stageMax && bytes[i] > 0) Staging.copy(into.get(i), readStage, at[i], false);
        return f;
    }

    /** Whether the flag (if any) and every buffer are host-backed ({@link BufferPool}). */
    private static boolean hostBacked(DeviceBuffer flag, java.util.List<DeviceBuffer> buffers) {
        if (flag != null && flag.host() == null) return false;
        for (DeviceBuffer b : buffers) if (b.host() == null) return false;
        return true;
    }

    private void readStaged(DeviceBuffer buffer, long bytes, int offset, java.util.function.Supplier<String> what) {
        Pointer dst = Pointer.to(readStage).withByteOffset(offset);
        enqueued(what);
        ClCalls.run(() -> "clEnqueueReadBuffer(" + bytes + " bytes)", () -> NonBlockingTransfer.read(queue, buffer.mem(), bytes, dst));
    }

    /** Reads {@code shape} elements of {@code dtype} from {@code buffer} into a new host tensor (blocking). */
    public HostTensor read(DeviceBuffer buffer, DType dtype, Shape shape) {
        HostTensor t = HostTensor.zeros(dtype, shape);
        readInto(buffer, t);
        return t;
    }

    /**
     * Reads {@code t.numel()} elements of {@code t}'s dtype from {@code buffer} into {@code t}'s own array (blocking;
     * a host-backed buffer: {@code clFinish} and a copy).
     */
    public void readInto(DeviceBuffer buffer, HostTensor t) {
        long bytes = t.numel() * t.dtype().bytes();
        if (bytes == 0) return;
        if (buffer.host() != null) { // host-backed (BufferPool): wait for the queue, then a copy
            finish();
            Staging.copy(t, buffer.host(), 0, false);
            return;
        }
        enqueued(() -> "read " + bytes + " bytes");
        ClCalls.run(() -> "clEnqueueReadBuffer(" + bytes + " bytes)",
                () -> clEnqueueReadBuffer(queue, buffer.mem(), CL_TRUE, 0, bytes, pointerTo(Backend.storage(t)), 0, null, null));
        waited(); // the in-order queue has run every earlier command, the staged uploads too
    }

    /** Counts a command about to be enqueued and keeps its name among the latest few. */
    private void enqueued(java.util.function.Supplier<String> what) { enqueued((Object) what); }

    private void enqueued(Object what) {
        commands++;
        if (recentCommands.size() == 16) recentCommands.removeFirst();
        recentCommands.addLast(what); // named only when asked (recentCommands): no string per command
    }

    /** A launch in the command log: named {@code launch <kernel>} when asked. */
    private static final class Launch {
        private final String kernel;
        private final String detail;

        Launch(String kernel, String detail) {
            this.kernel = kernel;
            this.detail = detail;
        }

        @Override public String toString() { return "launch " + kernelLabel(kernel, detail); }
    }

    /** Whether small pooled buffers are host-backed (BufferPool): uploads and reads of them are copies, not commands. */
    boolean hostBackedBuffers() { return pool.hostBacked(); }

    /** Commands (kernel launches and transfers) enqueued since this context opened: a small call's cost on any device. */
    public long commandsIssued() { return commands; }

    /** The latest commands enqueued (at most 16), oldest first: what a call issued. */
    public java.util.List<String> recentCommands() {
        return recentCommands.stream().map(c -> c instanceof java.util.function.Supplier ? String.valueOf(((java.util.function.Supplier<?>) c).get()) : c.toString())
                .collect(java.util.stream.Collectors.toUnmodifiableList());
    }

    /**
     * Sets the caller's host tensors that the results of the call about to run are read into
     * ({@link io.losscl.LossEngine#computeInto}; {@code null} and an empty map: none). Per call, like
     * the queue: set and cleared by the backend around one call, holding this object's monitor.
     */
    void deliverInto(HostTensor output, Map<String, HostTensor> grads) {
        this.outputInto = output;
        this.gradsInto = grads;
    }

    /** The caller's destination for the output of the call in progress, or {@code null}. */
    HostTensor outputInto() { return outputInto; }

    /** The caller's destination for the gradient of {@code name} in the call in progress, or {@code null}. */
    HostTensor gradInto(String name) { return gradsInto.get(name); }

    /** Enqueues a 1-D launch of {@code groups} work-groups of the profile's size. */
    void launch(cl_kernel kernel, String name, String detail, long groups) {
        long local = config.workGroupSize();
        long global = groups * local;
        enqueued(new Launch(name, detail));
        try {
            if (ClCalls.hooked()) ClCalls.faultPoint(launchName(kernelLabel(name, detail), global, local));
            globalSize[0] = global;
            localSize[0] = local;
            clEnqueueNDRangeKernel(queue, kernel, 1, null, globalSize, localSize, 0, null, null);
        } catch (CLException e) {
            throw ClCalls.failure(launchName(kernelLabel(name, detail), global, local), e);
        }
    }

    /** A launch's sizes, reused (JOCL reads them during the call; calls on a context are serial). */
    private final long[] globalSize = new long[1], localSize = new long[1];

    private static String launchName(String kernel, long global, long local) {
        return "clEnqueueNDRangeKernel(" + kernel + ", global " + global + ", local " + local + ")";
    }

    /** Waits for every enqueued command. */
    public void finish() {
        try {
            if (ClCalls.hooked()) ClCalls.faultPoint("clFinish");
            clFinish(queue);
        } catch (CLException e) {
            throw ClCalls.failure("clFinish", e);
        }
        waited();
    }

    /** After a host wait that covered every enqueued command: staging space and host-backed buffers are free. */
    private void waited() {
        staged = 0;
        completedThrough = commands;
        pool.queueDone();
    }

    /** Device bytes borrowed from the pool now, and the most borrowed at once since {@link #resetPeakBytes} (the bench's peak memory). */
    public long borrowedBytes() { return pool.borrowedBytes(); }

    public long peakBorrowedBytes() { return pool.peakBorrowedBytes(); }

    public void resetPeakBytes() { pool.resetPeak(); }

    /** {@code cl_mem} objects allocated and not yet released: the leak check's measure. */
    public long liveBuffers() { return pool.liveBuffers(); }

    private static Pointer pointerTo(Object array) {
        if (array instanceof java.nio.Buffer) return Pointer.to((java.nio.Buffer) array); // a direct buffer
        if (array instanceof float[]) return Pointer.to((float[]) array);
        if (array instanceof double[]) return Pointer.to((double[]) array);
        if (array instanceof long[]) return Pointer.to((long[]) array);
        if (array instanceof short[]) return Pointer.to((short[]) array);
        throw new IllegalArgumentException("unsupported array " + array.getClass());
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            clFinish(queue);
        } finally {
            programs.close();
            doneCounter.close();
            errorFlag.close();
            pool.close();
            clReleaseCommandQueue(queue);
            clReleaseContext(context);
            if (ownsDevice) clReleaseDevice(device.device);
        }
    }

    /** Makes {@link #close} release the device too: one created by {@code clCreateSubDevices} for this context. */
    void ownDevice() { ownsDevice = true; }
}
