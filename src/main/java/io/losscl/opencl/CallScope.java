package io.losscl.opencl;

import io.losscl.Backend;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device memory of one loss call: inputs (device tensors used in place, host tensors copied into
 * pooled buffers), temporaries, and result buffers. {@link #finish} returns results to the host when
 * every input came from the host, else hands them out as {@link DeviceTensor}s; {@link #close} returns
 * all other buffers to the pool, also when the call fails.
 */
public final class CallScope implements AutoCloseable {
    private final OpenClContext cl;
    private final LossInputs inputs;
    private final Map<String, DeviceBuffer> inputBuffers = new LinkedHashMap<>();
    private final List<DeviceBuffer> borrowed = new ArrayList<>();
    private DeviceBuffer errorFlag;

    /** The scope of one call on {@code cl} with {@code inputs}. */
    CallScope(OpenClContext cl, LossInputs inputs) {
        this.cl = cl;
        this.inputs = inputs;
    }

    /** The device buffer holding input {@code name} (uploaded on first use); {@code null} when absent. */
    public DeviceBuffer input(String name) {
        Tensor t = inputs.get(name);
        if (t == null) return null;
        DeviceBuffer b = inputBuffers.get(name);
        if (b == null) inputBuffers.put(name, b = upload(t));
        return b;
    }

    /** A host tensor (e.g. a {@code weight} option) copied to a temporary device buffer; {@code null} stays null. */
    public DeviceBuffer upload(Tensor t) {
        if (t == null) return null;
        if (t instanceof DeviceTensor) {
            DeviceTensor d = (DeviceTensor) t;
            if (!d.usableBy(cl)) throw new InvalidArgumentException(d + " belongs to another engine (" + cl.device().name() + ")");
            return d.buffer();
        }
        HostTensor h = (HostTensor) t;
        DeviceBuffer shared = cl.useHostMemory(h); // a direct buffer on a CPU device: read in place, no copy
        if (shared != null) {
            borrowed.add(shared);
            return shared;
        }
        DeviceBuffer b = temp(h.numel() * h.dtype().bytes());
        cl.write(b, h);
        return b;
    }

    /** A temporary buffer of at least {@code bytes}, returned to the pool when the scope closes. */
    public DeviceBuffer temp(long bytes) {
        DeviceBuffer b = cl.borrow(bytes);
        borrowed.add(b);
        return b;
    }

    /**
     * The call's device error flag (common.cl: {@code flag_error}), shared by every kernel of the call that
     * checks values: one int holding {@link #NO_ERROR} ({@code clEnqueueFillBuffer}, no host wait, when the
     * previous call did not leave it so: {@link OpenClContext#errorFlag}) and lowered by a kernel to the smallest
     * offending index. {@link #finish(String, Result, Map, FlagHandler)} reads it with the results.
     */
    public DeviceBuffer errorFlag() {
        if (errorFlag == null) errorFlag = cl.errorFlag();
        return errorFlag;
    }

    /** The error flag's value while no kernel has flagged anything. */
    public static final int NO_ERROR = Integer.MAX_VALUE;

    /** Turns a flagged index into the call's error (a flagged call discards its results). */
    @FunctionalInterface
    public interface FlagHandler {
        RuntimeException error(int index);
    }

    /** A buffer for a result of {@code dtype} and {@code shape} (the output or a gradient). */
    public Result result(DType dtype, Shape shape) {
        return new Result(temp(shape.numel() * dtype.bytes()), dtype, shape);
    }

    /**
     * Builds the call's result: read into the caller's host tensors where it gave some
     * ({@link io.losscl.LossEngine#computeInto}), else host tensors when every input was on the host,
     * else device tensors.
     */
    public LossResult finish(String backend, Result output, Map<String, Result> grads) {
        return finish(backend, output, grads, null);
    }

    /**
     * As {@link #finish(String, Result, Map)}, first reading the error flag (if {@link #errorFlag()} made one):
     * the call's one host wait when its results stay on the device, and before any result reaches the caller's
     * arrays otherwise. A flagged index raises {@code onFlag}'s error.
     */
    public LossResult finish(String backend, Result output, Map<String, Result> grads, FlagHandler onFlag) {
        boolean toHost = inputs.allOnHost();
        // Where each result goes: the caller's array (computeInto), a new host tensor, or (null) a device tensor.
        HostTensor out = hostDestination(output, toHost, cl.outputInto());
        Map<String, HostTensor> gradHosts = new LinkedHashMap<>();
        for (Map.Entry<String, Result> g : grads.entrySet()) gradHosts.put(g.getKey(), hostDestination(g.getValue(), toHost, cl.gradInto(g.getKey())));
        List<DeviceBuffer> buffers = new ArrayList<>();
        List<HostTensor> into = new ArrayList<>();
        if (out != null) { buffers.add(output.buffer); into.add(out); }
        for (Map.Entry<String, Result> g : grads.entrySet()) {
            HostTensor host = gradHosts.get(g.getKey());
            if (host != null) { buffers.add(g.getValue().buffer); into.add(host); }
        }
        // One host wait for the flag and every host-bound result (OpenClContext.readResults).
        if (errorFlag != null || !buffers.isEmpty()) {
            int flagged = cl.readResults(errorFlag, buffers, into);
            if (flagged != NO_ERROR) throw onFlag.error(flagged);
        }
        Map<String, Tensor> g = new LinkedHashMap<>();
        for (Map.Entry<String, Result> r : grads.entrySet()) {
            HostTensor host = gradHosts.get(r.getKey());
            g.put(r.getKey(), host != null ? host : onDevice(r.getValue()));
        }
        return Backend.result(out != null ? out : onDevice(output), g, backend);
    }

    /** The host tensor {@code r} is read into: the caller's array where it fits, else a new one if the call returns host tensors. */
    private static HostTensor hostDestination(Result r, boolean toHost, HostTensor into) {
        if (into != null && into.dtype() == r.dtype && into.numel() == r.shape.numel()) return into; // no new array to allocate and zero
        return toHost ? HostTensor.zeros(r.dtype, r.shape) : null;
    }

    private Tensor onDevice(Result r) {
        borrowed.remove(r.buffer); // ownership moves to the device tensor
        return new DeviceTensor(cl, r.buffer, r.dtype, r.shape);
    }

    @Override
    public void close() {
        // Given back last-borrowed first: the pool hands out the most recently returned buffer of a size class, so
        // the next identical call gets the same buffers in the same roles (and KernelCall sets no argument again).
        for (int i = borrowed.size() - 1; i >= 0; i--) borrowed.get(i).close();
        borrowed.clear();
    }

    /** A result buffer with its dtype and shape. */
    public static final class Result {
        private final DeviceBuffer buffer;
        private final DType dtype;
        private final Shape shape;

        Result(DeviceBuffer buffer, DType dtype, Shape shape) {
            this.buffer = buffer;
            this.dtype = dtype;
            this.shape = shape;
        }

        /** The device buffer. */
        public DeviceBuffer buffer() { return buffer; }
        /** The result's dtype. */
        public DType dtype() { return dtype; }
        /** The result's shape. */
        public Shape shape() { return shape; }
    }
}
