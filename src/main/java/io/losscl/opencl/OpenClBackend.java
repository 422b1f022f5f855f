package io.losscl.opencl;

import io.losscl.Backend;
import io.losscl.BackendUnavailableException;
import io.losscl.DeviceException;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossEntry;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Tensor;
import java.util.Map;
import java.util.Set;
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
    public static OpenClBackend open(String selector) { return open(selector, null); }

    /**
     * Opens the device chosen by {@code selector}, keeping compiled programs in {@code programCacheDir}
     * across processes ({@code null}: no program cache).
     *
     * @throws BackendUnavailableException when no OpenCL device (or none matching) exists
     */
    public static OpenClBackend open(String selector, java.nio.file.Path programCacheDir) {
        DeviceCatalog catalog = DeviceCatalog.scan();
        if (catalog.devices().isEmpty()) throw new BackendUnavailableException(catalog.problem(), null);
        DeviceInfo d = catalog.select(selector);
        if (d == null) {
            throw new BackendUnavailableException("no OpenCL device matches '" + selector + "'; devices: " + catalog.devices(), null);
        }
        try {
            OpenClBackend b = new OpenClBackend(new OpenClContext(d, programCacheDir));
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
            DeviceBuffer b = cl.borrow(t.numel() * t.dtype().bytes());
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
            throw new io.losscl.UnsupportedFeatureException(loss.name() + ": an in-place gradient needs '" + name
                    + "' to be a device tensor (upload it with OpenClBackend.upload), not a host tensor");
        }
        checkOwner(loss, inputs);
        synchronized (cl) {
            try {
                return kernel.computeInPlace(cl, loss, inputs, name);
            } catch (CLException e) {
                throw new DeviceException(loss.name() + " on " + cl.device().name() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public <L extends Loss> LossResult compute(LossEntry<L> entry, L loss, LossInputs inputs, Set<String> grads) {
        checkOwner(loss, inputs);
        synchronized (cl) {
            try {
                return entry.kernel().compute(cl, loss, inputs, grads);
            } catch (CLException e) {
                throw new DeviceException(loss.name() + " on " + cl.device().name() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@link io.losscl.LossEngine#computeInto}: the kernels' results are read from the device straight
     * into the caller's tensors; a result a kernel finishes on the host (a broadcast input's gradient
     * summed there) is copied in afterwards.
     */
    @Override
    public <L extends Loss> LossResult computeInto(LossEntry<L> entry, L loss, LossInputs inputs,
                                                   HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        checkOwner(loss, inputs);
        synchronized (cl) {
            cl.deliverInto(outputInto, gradsInto);
            try {
                return entry.kernel().compute(cl, loss, inputs, gradsInto.keySet()).into(outputInto, gradsInto);
            } catch (CLException e) {
                throw new DeviceException(loss.name() + " on " + cl.device().name() + ": " + e.getMessage(), e);
            } finally {
                cl.deliverInto(null, Map.of());
            }
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
