package io.losscl.opencl;

import static org.jocl.CL.*;

import io.losscl.Backend;
import io.losscl.BackendUnavailableException;
import io.losscl.DType;
import io.losscl.DeviceException;
import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.Loss;
import io.losscl.LossEntry;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Tensor;
import io.losscl.UnsupportedFeatureException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Computes losses with OpenCL kernels on one device. Thread-safe: calls are serialised on the device's queue. */
public final class OpenClBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);

    private final OpenClContext cl;

    private OpenClBackend(OpenClContext cl) { this.cl = cl; }

    /**
     * Opens the device chosen by {@code selector} (index or name substring; {@code null}: the best) with
     * the table's launch for it, then {@code launch}'s settings.
     *
     * @throws BackendUnavailableException when no OpenCL device (or none matching) exists
     * @throws io.losscl.ConfigurationException when a launch setting is invalid on that device
     */
    public static OpenClBackend open(String selector, LaunchConfig.Overrides launch) { return open(selector, launch, null); }

    /**
     * Opens the device chosen by {@code selector} with the table's launch for it, then {@code launch}'s settings
     * (as {@link #open(String, LaunchConfig.Overrides)}), keeping compiled programs in {@code programCacheDir}
     * across processes ({@code null}: no program cache).
     *
     * @throws BackendUnavailableException when no OpenCL device (or none matching) exists
     * @throws io.losscl.ConfigurationException when a launch setting is invalid on that device
     */
    public static OpenClBackend open(String selector, LaunchConfig.Overrides launch, java.nio.file.Path programCacheDir) {
        ClassPreload.start(); // the first call's Java classes, loaded while the runtime starts
        DeviceCatalog catalog = DeviceCatalog.scan();
        if (catalog.devices().isEmpty()) throw new BackendUnavailableException(catalog.problem(), null);
        DeviceInfo d = catalog.select(selector);
        if (d == null) {
            throw new BackendUnavailableException("no OpenCL device matches '" + selector + "'; devices: " + catalog.devices(), null);
        }
        try {
            OpenClBackend b = new OpenClBackend(new OpenClContext(d, LaunchConfig.resolve(d, launch), programCacheDir));
            LOG.debug("OpenCL backend on {}: {}", d, b.cl.config());
            return b;
        } catch (DeviceException e) {
            throw new BackendUnavailableException("OpenCL device " + d.name() + " could not be opened: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a backend on each device named in {@code selectors} (as {@link #open(String, LaunchConfig.Overrides,
     * java.nio.file.Path)}) and gives them to {@code combine}; a device that fails to open closes those opened before.
     *
     * @throws BackendUnavailableException when {@code selectors} is empty or a device is missing
     */
    public static <B> B openAll(java.util.List<String> selectors, LaunchConfig.Overrides launch, java.nio.file.Path programCacheDir,
                                java.util.function.Function<java.util.List<OpenClBackend>, B> combine) {
        if (selectors.isEmpty()) throw new BackendUnavailableException("no OpenCL device named", null);
        java.util.List<OpenClBackend> opened = new java.util.ArrayList<>();
        try {
            for (String s : selectors) opened.add(open(s, launch, programCacheDir));
            return combine.apply(opened);
        } catch (RuntimeException e) {
            opened.forEach(OpenClBackend::close);
            throw e;
        }
    }

    /** The index selectors of every GPU the OpenCL platforms list (empty when there is none). */
    public static java.util.List<String> gpuSelectors() {
        java.util.List<String> gpus = new java.util.ArrayList<>();
        for (DeviceInfo d : DeviceCatalog.scan().devices()) if (d.type() == DeviceInfo.Type.GPU) gpus.add(Integer.toString(d.index()));
        return gpus;
    }

    /** {@link #gpuSelectors()}, none being an error. */
    public static java.util.List<String> requireGpus() {
        java.util.List<String> gpus = gpuSelectors();
        if (gpus.isEmpty()) throw new BackendUnavailableException("no OpenCL GPU found; devices: " + DeviceCatalog.scan().devices(), null);
        return gpus;
    }

    /**
     * Splits the device chosen by {@code selector} into {@code parts} sub-devices of equal compute units
     * ({@code clCreateSubDevices} with {@code CL_DEVICE_PARTITION_EQUALLY}) and opens a backend on each: for
     * running parts of one call concurrently on one device, and for testing several devices on one machine.
     *
     * @throws BackendUnavailableException when the device does not exist or cannot be partitioned so
     */
    public static java.util.List<OpenClBackend> openSubDevices(String selector, int parts, LaunchConfig.Overrides launch) {
        DeviceCatalog catalog = DeviceCatalog.scan();
        DeviceInfo d = catalog.devices().isEmpty() ? null : catalog.select(selector);
        if (d == null) throw new BackendUnavailableException("no OpenCL device matches '" + selector + "' (" + catalog.problem() + ")", null);
        int units = d.computeUnits() / parts;
        if (parts < 1 || units < 1) {
            throw new BackendUnavailableException(d.name() + " has " + d.computeUnits() + " compute units, too few for " + parts + " sub-devices", null);
        }
        org.jocl.cl_device_id[] ids = new org.jocl.cl_device_id[parts];
        int[] found = new int[1];
        try {
            org.jocl.cl_device_partition_property equally = new org.jocl.cl_device_partition_property();
            equally.addProperty(org.jocl.CL.CL_DEVICE_PARTITION_EQUALLY, units);
            org.jocl.CL.clCreateSubDevices(d.device, equally, parts, ids, found);
        } catch (CLException e) {
            throw new BackendUnavailableException(d.name() + " cannot be split into " + parts + " sub-devices: " + e.getMessage(), e);
        }
        java.util.List<OpenClBackend> out = new java.util.ArrayList<>();
        int made = Math.min(found[0], parts);
        try {
            for (int i = 0; i < made; i++) {
                DeviceInfo sub = new DeviceInfo(d.index(), d.platform, ids[i]);
                OpenClContext cl = new OpenClContext(sub, LaunchConfig.resolve(sub, launch), null);
                cl.ownDevice(); // released with its context
                ids[i] = null;
                out.add(new OpenClBackend(cl));
            }
        } catch (RuntimeException e) {
            for (OpenClBackend b : out) b.close();
            throw e;
        } finally {
            for (int i = 0; i < made; i++) if (ids[i] != null) org.jocl.CL.clReleaseDevice(ids[i]);
        }
        return out;
    }

    @Override public String name() { return cl.backendName(); }

    /**
     * An OpenCL backend on the caller's context, device and in-order queue ({@link io.losscl.LossEngine#onOpenCl}).
     *
     * @param context the caller's context
     * @param device a device of that context
     * @param queue an in-order queue on that context and device
     * @param launch launch settings over the device's table defaults ({@link LaunchConfig})
     * @return the backend
     * @throws InvalidArgumentException for a null handle, a queue of another context or device, or an out-of-order queue
     */
    public static OpenClBackend wrap(cl_context context, cl_device_id device, cl_command_queue queue, LaunchConfig.Overrides launch) {
        if (context == null || device == null || queue == null) {
            throw new InvalidArgumentException("LossEngine.onOpenCl: " + (context == null ? "context" : device == null ? "device" : "queue") + " is null");
        }
        cl_context queueContext = new cl_context();
        cl_device_id queueDevice = new cl_device_id();
        long[] properties = new long[1];
        ClCalls.run("clGetCommandQueueInfo", () -> {
            clGetCommandQueueInfo(queue, CL_QUEUE_CONTEXT, Sizeof.cl_context, Pointer.to(queueContext), null);
            clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE, Sizeof.cl_device_id, Pointer.to(queueDevice), null);
            clGetCommandQueueInfo(queue, CL_QUEUE_PROPERTIES, Sizeof.cl_long, Pointer.to(properties), null);
        });
        if (!queueContext.equals(context) || !queueDevice.equals(device)) {
            throw new InvalidArgumentException("LossEngine.onOpenCl: the queue belongs to another " + (queueContext.equals(context) ? "device" : "context"));
        }
        if ((properties[0] & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE) != 0) {
            throw new InvalidArgumentException("LossEngine.onOpenCl: the queue is out-of-order; losscl's kernels of one call follow one another, give it an in-order queue");
        }
        return new OpenClBackend(new OpenClContext(context, device, queue, launch));
    }

    /** The device in use. */
    public DeviceInfo device() { return cl.device(); }

    /** The context (for family implementations and tests). */
    public OpenClContext context() { return cl; }

    /** Copies a host tensor to the device ({@link io.losscl.LossEngine#upload}); the result stays there until closed. */
    public DeviceTensor upload(HostTensor t) {
        synchronized (cl) {
            cl.ensureOpen("engine is closed");
            DeviceBuffer b;
            try {
                b = cl.borrow(t.numel() * t.dtype().bytes());
            } catch (OpenClContext.BufferLimitException e) {
                throw new UnsupportedFeatureException("upload of a " + t.dtype() + " tensor of shape " + t.shape() + ": " + e.getMessage());
            }
            try {
                cl.write(b, t);
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
            return new DeviceTensor(cl, b, t.dtype(), t.shape());
        }
    }

    /** {@link io.losscl.LossEngine#computeGradientInPlace}: the gradient of {@code name} over that device tensor. */
    public <L extends Loss> LossResult computeInPlace(InPlaceGradient<L> kernel, L loss, LossInputs inputs, String name) {
        Tensor t = inputs.get(name);
        if (!(t instanceof DeviceTensor)) {
            throw new UnsupportedFeatureException(loss.name() + ": an in-place gradient needs '" + name
                    + "' to be a device tensor (upload it with LossEngine.upload), not a host tensor");
        }
        return onDevice(loss, inputs, Set.of(name), () -> kernel.computeInPlace(cl, loss, inputs, name));
    }

    @Override
    public <L extends Loss> LossResult compute(LossEntry<L> entry, L loss, LossInputs inputs, Set<String> grads) {
        return onDevice(loss, inputs, grads, () -> entry.kernel().compute(cl, loss, inputs, grads));
    }

    /**
     * {@link io.losscl.LossEngine#computeInto}: the kernels' results are read from the device straight
     * into the caller's tensors; a result a kernel finishes on the host (a broadcast input's gradient
     * summed there) is copied in afterwards.
     */
    @Override
    public <L extends Loss> LossResult computeInto(LossEntry<L> entry, L loss, LossInputs inputs,
                                                   HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        return onDevice(loss, inputs, gradsInto.keySet(), () -> {
            cl.deliverInto(outputInto, gradsInto);
            try {
                return Backend.into(entry.kernel().compute(cl, loss, inputs, gradsInto.keySet()), outputInto, gradsInto);
            } finally {
                cl.deliverInto(null, Map.of());
            }
        });
    }

    /**
     * Runs one loss call on the device: tensors larger than the device's largest buffer are refused
     * before any allocation, and every OpenCL failure becomes a {@link DeviceException} naming the loss,
     * the device and what OpenCL returned.
     */
    private <T> T onDevice(Loss loss, LossInputs inputs, Set<String> grads, Supplier<T> call) {
        checkOwner(loss, inputs);
        checkSizes(loss, inputs, grads);
        synchronized (cl) {
            cl.ensureOpen("engine is closed");
            try {
                return call.get();
            } catch (CLException e) {
                throw new DeviceException(where(loss) + e.getMessage(), e);
            } catch (DeviceException e) {
                throw e.getMessage().startsWith(loss.name() + " ") ? e : new DeviceException(where(loss) + e.getMessage(), e);
            } catch (OpenClContext.BufferLimitException e) {
                throw new UnsupportedFeatureException(loss.name() + ": " + e.getMessage());
            }
        }
    }

    private String where(Loss loss) { return loss.name() + " on " + cl.device().name() + ": "; }

    /** Each input, and each gradient asked for, must fit one device buffer ({@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}). */
    private void checkSizes(Loss loss, LossInputs inputs, Set<String> grads) {
        long limit = cl.maxAllocBytes();
        DType result = loss.resultDtype(inputs);
        for (Map.Entry<String, Tensor> e : inputs.asMap().entrySet()) {
            Tensor t = e.getValue();
            checkSize(loss, "input", e.getKey(), t.dtype(), t.shape(), limit);
            if (grads.contains(e.getKey())) checkSize(loss, "the gradient of", e.getKey(), result, t.shape(), limit);
        }
    }

    /** Fails where {@code what} {@code 'name'} (named only then: a call builds no string) would not fit one buffer. */
    private void checkSize(Loss loss, String what, String name, DType dtype, io.losscl.Shape shape, long limit) {
        double bytes = (double) shape.numel() * dtype.bytes();
        if (bytes > limit) {
            throw new UnsupportedFeatureException(String.format("%s: %s '%s' (%s %s, %.0f bytes) is larger than the largest buffer %s allocates"
                    + " (CL_DEVICE_MAX_MEM_ALLOC_SIZE = %d bytes)", loss.name(), what, name, dtype, shape, bytes, cl.device().name(), limit));
        }
    }

    private void checkOwner(Loss loss, LossInputs inputs) {
        for (Map.Entry<String, Tensor> e : inputs.asMap().entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (t instanceof DeviceTensor && ((DeviceTensor) t).isClosed()) {
                throw new InvalidArgumentException(loss.name() + ": input '" + name + "' is " + t + ", which is closed");
            }
            if (t instanceof DeviceTensor && !((DeviceTensor) t).usableBy(cl)) {
                throw new InvalidArgumentException(loss.name() + ": input '" + name + "' is " + t
                        + ", a device tensor of another engine; this engine runs on " + cl.device().name());
            }
        }
    }

    @Override
    public void close() {
        synchronized (cl) {
            cl.close();
        }
    }
}
