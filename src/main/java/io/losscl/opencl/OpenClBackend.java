package io.losscl.opencl;

import io.losscl.Backend;
import io.losscl.BackendUnavailableException;
import io.losscl.DType;
import io.losscl.DeviceException;
import io.losscl.HostTensor;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Computes losses with OpenCL kernels on one device. Thread-safe: calls are serialised on the device's queue. */
public final class OpenClBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);

    private final OpenClContext cl;

    private OpenClBackend(OpenClContext cl) { this.cl = cl; }

    /**
     * Opens the device chosen by {@code selector} (index or name substring; {@code null}: the best).
     *
     * @throws BackendUnavailableException when no OpenCL device (or none matching) exists
     */
    public static OpenClBackend open(String selector) {
        DeviceCatalog catalog = DeviceCatalog.scan();
        if (catalog.devices().isEmpty()) throw new BackendUnavailableException(catalog.problem(), null);
        DeviceInfo d = catalog.select(selector);
        if (d == null) {
            throw new BackendUnavailableException("no OpenCL device matches '" + selector + "'; devices: " + catalog.devices(), null);
        }
        try {
            OpenClBackend b = new OpenClBackend(new OpenClContext(d));
            LOG.debug("OpenCL backend on {}", d);
            return b;
        } catch (DeviceException e) {
            throw new BackendUnavailableException("OpenCL device " + d.name() + " could not be opened: " + e.getMessage(), e);
        }
    }

    @Override public String name() { return "opencl:" + cl.device().name(); }

    /** The device in use. */
    public DeviceInfo device() { return cl.device(); }

    /** The context (for family implementations and tests). */
    public OpenClContext context() { return cl; }

    /** Copies a host tensor to the device; the result stays there until closed. */
    public DeviceTensor upload(HostTensor t) {
        synchronized (cl) {
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
                    + "' to be a device tensor (upload it with OpenClBackend.upload), not a host tensor");
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
                return entry.kernel().compute(cl, loss, inputs, gradsInto.keySet()).into(outputInto, gradsInto);
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
            String where = loss.name() + " on " + cl.device().name() + ": ";
            try {
                return call.get();
            } catch (CLException e) {
                throw new DeviceException(where + e.getMessage(), e);
            } catch (DeviceException e) {
                throw e.getMessage().startsWith(loss.name() + " ") ? e : new DeviceException(where + e.getMessage(), e);
            } catch (OpenClContext.BufferLimitException e) {
                throw new UnsupportedFeatureException(loss.name() + ": " + e.getMessage());
            }
        }
    }

    /** Each input, and each gradient asked for, must fit one device buffer ({@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}). */
    private void checkSizes(Loss loss, LossInputs inputs, Set<String> grads) {
        long limit = cl.maxAllocBytes();
        DType result = loss.resultDtype(inputs);
        for (Map.Entry<String, Tensor> e : inputs.asMap().entrySet()) {
            Tensor t = e.getValue();
            checkSize(loss, "input '" + e.getKey() + "'", t.dtype(), t.shape(), limit);
            if (grads.contains(e.getKey())) checkSize(loss, "the gradient of '" + e.getKey() + "'", result, t.shape(), limit);
        }
    }

    private void checkSize(Loss loss, String what, DType dtype, io.losscl.Shape shape, long limit) {
        double bytes = (double) shape.numel() * dtype.bytes();
        if (bytes > limit) {
            throw new UnsupportedFeatureException(String.format("%s: %s (%s %s, %.0f bytes) is larger than the largest buffer %s allocates"
                    + " (CL_DEVICE_MAX_MEM_ALLOC_SIZE = %d bytes)", loss.name(), what, dtype, shape, bytes, cl.device().name(), limit));
        }
    }

    private void checkOwner(Loss loss, LossInputs inputs) {
        for (Tensor t : inputs.asMap().values()) {
            if (t instanceof DeviceTensor && ((DeviceTensor) t).owner() != cl) {
                throw new IllegalArgumentException(loss.name() + ": " + t + " belongs to another engine");
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
