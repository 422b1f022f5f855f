package io.losscl;

import io.losscl.opencl.OpenClBackend;
import io.losscl.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes losses on one backend. Create one per application and close it when done: it owns the
 * OpenCL context, queue, compiled programs and pooled buffers.
 *
 * <pre>{@code
 * try (LossEngine engine = LossEngine.create()) {
 *     CrossEntropyLoss ce = CrossEntropyLoss.builder().labelSmoothing(0.1).build();
 *     LossResult r = engine.compute(ce, LossInputs.of("input", logits, "target", labels), "input");
 *     double loss = r.scalar();
 *     Tensor dLogits = r.grad("input");
 * }
 * }</pre>
 *
 * <p>Backend and device: {@link #create()} reads the system property {@code losscl.backend}
 * (else the environment variable {@code LOSSCL_BACKEND}): {@code auto} (default), {@code opencl} or
 * {@code java}; and {@code losscl.device} / {@code LOSSCL_DEVICE}: a device index as listed by
 * {@code losscl devices} or a case-insensitive substring of the device name.
 *
 * <p>Thread safety: an engine may be shared between threads; calls are serialised on its device
 * queue. For parallel work on a CPU-only machine, one engine per thread on the Java backend scales.
 */
public final class LossEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LossEngine.class);

    private final Backend backend;
    /** AUTO with a device: the per-size choice between the device and the Java reference; else {@code null}. */
    private final AutoRouter router;

    private LossEngine(Backend backend) { this(backend, null); }

    private LossEngine(Backend backend, AutoRouter router) {
        this.backend = backend;
        this.router = router;
    }

    /** An engine on the backend and device named by system properties or environment (default {@code auto}). */
    public static LossEngine create() { return create(EngineOptions.defaults()); }

    /** An engine on {@code kind}, with the device named by {@code losscl.device}/{@code LOSSCL_DEVICE} if set. */
    public static LossEngine create(BackendKind kind) { return create(EngineOptions.builder().backend(kind).build()); }

    /**
     * An engine on {@code kind}.
     *
     * @param deviceSelector OpenCL device index or name substring; {@code null} picks the best device
     * @throws BackendUnavailableException when {@code OPENCL} is asked for and no matching device exists
     */
    public static LossEngine create(BackendKind kind, String deviceSelector) {
        return create(EngineOptions.builder().backend(kind).device(deviceSelector).build());
    }

    /**
     * An engine set up by {@code options}: backend, device, program cache, and the warm-up calls made now.
     * {@code AUTO} with a device may run small host calls on the Java reference where that measured faster
     * ({@link EngineOptions.Builder#autoCrossover}); {@code OPENCL} and {@code JAVA} always run on that backend.
     *
     * @throws BackendUnavailableException when {@code OPENCL} is asked for and no matching device exists
     */
    public static LossEngine create(EngineOptions options) {
        LossEngine engine;
        switch (options.backend()) {
            case JAVA:
                return new LossEngine(new ReferenceBackend());
            case OPENCL:
                engine = new LossEngine(OpenClBackend.open(options.device(), options.programCache()));
                break;
            case AUTO:
                try {
                    OpenClBackend device = OpenClBackend.open(options.device(), options.programCache());
                    engine = new LossEngine(device, options.autoCrossover() ? new AutoRouter(device, new ReferenceBackend()) : null);
                } catch (BackendUnavailableException e) {
                    LOG.warn("No usable OpenCL device ({}); computing losses on the Java reference backend instead", e.getMessage());
                    return new LossEngine(new ReferenceBackend());
                }
                break;
            default:
                throw new AssertionError(options.backend());
        }
        try {
            for (EngineOptions.WarmUp w : options.warmUps()) {
                Set<String> grads = new LinkedHashSet<>(Arrays.asList(w.grads));
                check(w.loss, w.inputs, grads);
                engine.computeOn(engine.backend, LossRegistry.entryFor(w.loss), w.loss, w.inputs, grads);
            }
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    /** The backend in use: {@code java} or {@code opencl:<device name>}. */
    public String backendName() { return backend.name(); }

    /** The backend itself, e.g. to make device-resident tensors with {@link OpenClBackend#upload}. */
    public Backend backend() { return backend; }

    /**
     * Computes {@code loss} on {@code inputs} and, in the same call, the gradient of every input named
     * in {@code gradFor} (each must be a floating-point input).
     *
     * @throws InvalidArgumentException for bad input, before any kernel runs; the engine stays usable
     * @throws DeviceException when the device fails
     */
    public LossResult compute(Loss loss, LossInputs inputs, String... gradFor) {
        Set<String> grads = new LinkedHashSet<>(Arrays.asList(gradFor));
        check(loss, inputs, grads);
        return compute(LossRegistry.entryFor(loss), loss, inputs, grads);
    }

    /**
     * Like {@code compute(loss, inputs, gradFor...)} for the inputs named in {@code gradsInto}, but the
     * results land in host tensors the caller owns and may reuse across calls: the gradient of each
     * input named in {@code gradsInto} is written into that tensor's array and, when {@code outputInto}
     * is not null, the loss into that one. The result's {@code grad(name)} and {@code output()} are
     * those same objects. Whether the inputs are host or device tensors, these results come back to
     * the host.
     *
     * <p>What it saves: a call that returns new arrays must allocate them, and Java zeroes every new
     * array (and, for a fresh 64 MiB one, the operating system first maps its pages) before the
     * gradient is copied in — for a 16M-element float32 gradient that is more than the copy itself.
     * On the OpenCL backend the device writes straight into these arrays.
     *
     * @param outputInto the loss's destination, of the output's shape, or {@code null} for a new tensor
     * @param gradsInto input name to the destination of its gradient, of that input's shape
     * @throws InvalidArgumentException for bad input or a destination whose dtype is not the result
     *         dtype (the widest floating dtype of the inputs, {@link DType#resultOf}) or whose shape
     *         is not its input's (the output's), before any kernel runs
     */
    public LossResult computeInto(Loss loss, LossInputs inputs, HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        Set<String> grads = new LinkedHashSet<>(gradsInto.keySet());
        Shape outShape = check(loss, inputs, grads);
        DType dtype = DType.resultOf(inputs);
        if (outputInto != null) checkDestination(loss, "the output", outputInto, dtype, outShape);
        gradsInto.forEach((name, dst) -> checkDestination(loss, "the gradient of '" + name + "'", dst, dtype, inputs.get(name).shape()));
        return computeInto(LossRegistry.entryFor(loss), loss, inputs, outputInto, gradsInto);
    }

    /** {@link #computeInto(Loss, LossInputs, HostTensor, Map)} with the output in a new tensor. */
    public LossResult computeInto(Loss loss, LossInputs inputs, Map<String, HostTensor> gradsInto) {
        return computeInto(loss, inputs, null, gradsInto);
    }

    private static void checkDestination(Loss loss, String what, HostTensor dst, DType dtype, Shape shape) {
        if (dst == null) throw new InvalidArgumentException(loss.name() + ": no destination given for " + what);
        if (dst.dtype() != dtype || !dst.shape().equals(shape)) {
            throw new InvalidArgumentException(loss.name() + ": " + what + " is a " + dtype + " tensor of shape " + shape
                    + ", its destination a " + dst.dtype() + " tensor of shape " + dst.shape());
        }
    }

    /** The checks every call makes before any kernel: gradient names, input names, the loss's validation. */
    private static Shape check(Loss loss, LossInputs inputs, Set<String> grads) {
        for (String g : grads) {
            Tensor t = inputs.get(g);
            if (t == null) {
                throw new InvalidArgumentException(loss.name() + ": gradient asked for '" + g + "', which is not an input (inputs: " + inputs.names() + ")");
            }
            if (!t.dtype().isFloating()) {
                throw new InvalidArgumentException(loss.name() + ": gradient asked for '" + g + "', an " + t.dtype() + " tensor, which has no gradient");
            }
        }
        for (String name : inputs.names()) {
            if (!loss.inputNames().contains(name)) {
                throw new InvalidArgumentException(loss.name() + ": unexpected input '" + name + "' (inputs: " + loss.inputNames() + ")");
            }
        }
        return loss.validate(inputs);
    }

    /**
     * Like {@code compute(loss, inputs, name)}, but writes d loss / d {@code name} INTO that input's device
     * buffer, as fused GPU losses do: no second buffer of the input's size, half the memory. The call
     * CONSUMES the input: afterwards the {@link io.losscl.opencl.DeviceTensor} given as {@code name} holds the
     * gradient, and {@code result.grad(name)} is that same tensor object. If the call fails after the kernel
     * ran (a device-resident class index out of range is only found by the kernel), the input may already
     * be partly overwritten.
     *
     * <p>Supported on the OpenCL backend for {@code cross_entropy} (class-index and class-probability
     * targets) and {@code nll_loss}, for their {@code input}, which must be a device tensor of this engine
     * in the result's dtype.
     *
     * @throws UnsupportedFeatureException for other losses, other inputs, host tensors or the Java backend
     * @throws InvalidArgumentException for bad input, before any kernel runs
     */
    public LossResult computeGradientInPlace(Loss loss, LossInputs inputs, String name) {
        if (!(backend instanceof OpenClBackend)) {
            throw new UnsupportedFeatureException(loss.name() + ": an in-place gradient needs the OpenCL backend (this engine is " + backend.name() + ")");
        }
        Set<String> grads = Set.of(name);
        check(loss, inputs, grads);
        LossEntry<?> entry = LossRegistry.entryFor(loss);
        if (!(entry.kernel() instanceof io.losscl.opencl.InPlaceGradient)) {
            throw new UnsupportedFeatureException(loss.name() + ": an in-place gradient is not implemented for this loss"
                    + " (cross_entropy and nll_loss have one)");
        }
        return computeInPlace(entry, loss, inputs, name);
    }

    private <L extends Loss> LossResult computeInPlace(LossEntry<L> entry, Loss loss, LossInputs inputs, String name) {
        L typed = entry.type().cast(loss);
        @SuppressWarnings("unchecked")
        io.losscl.opencl.InPlaceGradient<L> k = (io.losscl.opencl.InPlaceGradient<L>) entry.kernel();
        synchronized (backend) {
            return ((OpenClBackend) backend).computeInPlace(k, typed, inputs, name);
        }
    }

    private <L extends Loss> LossResult compute(LossEntry<L> entry, Loss loss, LossInputs inputs, Set<String> grads) {
        synchronized (backend) {
            if (router != null) return router.run(loss, inputs, grads, b -> computeOn(b, entry, loss, inputs, grads));
            return computeOn(backend, entry, loss, inputs, grads);
        }
    }

    private <L extends Loss> LossResult computeOn(Backend on, LossEntry<L> entry, Loss loss, LossInputs inputs, Set<String> grads) {
        return on.compute(entry, entry.type().cast(loss), inputs, grads);
    }

    private <L extends Loss> LossResult computeInto(LossEntry<L> entry, Loss loss, LossInputs inputs,
                                                    HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        L typed = entry.type().cast(loss);
        synchronized (backend) {
            if (router != null) {
                return router.run(loss, inputs, gradsInto.keySet(), b -> b.computeInto(entry, typed, inputs, outputInto, gradsInto));
            }
            return backend.computeInto(entry, typed, inputs, outputInto, gradsInto);
        }
    }

    /** AUTO's backend choices so far, "loss|pass|2^k" (size class of the inputs' element count) -> backend name. */
    public Map<String, String> autoChoices() { return router == null ? Map.of() : router.choices(); }

    /** Releases the backend's device resources. Device tensors made by this engine must be closed first. */
    @Override
    public void close() {
        backend.close();
    }

    static String setting(String property, String env, String dflt) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(env);
        return v == null || v.isBlank() ? dflt : v.trim();
    }
}
