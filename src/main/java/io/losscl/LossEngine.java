package io.losscl;

import io.losscl.opencl.LaunchConfig;
import io.losscl.opencl.DeviceTensor;
import io.losscl.opencl.OpenClBackend;
import io.losscl.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
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
 * {@code losscl devices} or a case-insensitive substring of the device name. The OpenCL launch
 * (work-group size, layout, precision, ...) is the device's {@link LaunchConfig}, overridable per engine with
 * {@link #create(BackendKind, String, LaunchConfig.Overrides)} or by the system properties of
 * {@link LaunchConfig.Setting}; {@code LOSSCL_PROFILE=gpu} runs a discrete GPU's launch on any device.
 *
 * <p>Thread safety: an engine may be shared between threads; calls are serialised on its device
 * queue. For parallel work on a CPU-only machine, one engine per thread on the Java backend scales.
 */
public final class LossEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LossEngine.class);

    private final Backend backend;
    /** Under AUTO on OpenCL: the Java reference, for a call the device fails (null otherwise). */
    private final Backend fallback;
    /** AUTO with a device: the per-size choice between the device and the Java reference; else {@code null}. */
    private final AutoRouter router;
    /** Set by {@link #close()} holding the backend's monitor, which every call holds too. */
    private volatile boolean closed;

    private LossEngine(Backend backend) { this(backend, null, null); }

    private LossEngine(Backend backend, Backend fallback, AutoRouter router) {
        this.backend = backend;
        this.fallback = fallback;
        this.router = router;
    }

    /** An engine on the backend and device named by system properties or environment (default {@code auto}). */
    public static LossEngine create() { return create(EngineOptions.defaults()); }

    /** An engine on {@code kind}, with the device named by {@code losscl.device}/{@code LOSSCL_DEVICE} if set. */
    public static LossEngine create(BackendKind kind) { return create(EngineOptions.builder().backend(kind).build()); }

    /**
     * An engine on {@code kind}, with the launch settings of the system properties ({@code losscl.wgs},
     * {@code losscl.layout}, ..., and {@code losscl.profile} / {@code LOSSCL_PROFILE}; see {@link LaunchConfig.Setting}).
     *
     * @param deviceSelector OpenCL device index or name substring; {@code null} picks the best device
     * @throws BackendUnavailableException when {@code OPENCL} is asked for and no matching device exists
     * @throws ConfigurationException when a launch setting is invalid
     */
    public static LossEngine create(BackendKind kind, String deviceSelector) {
        return create(kind, deviceSelector, LaunchConfig.overrides());
    }

    /**
     * An engine on {@code kind} whose OpenCL launch takes {@code launch}'s settings over the system
     * properties' and the device's table defaults, e.g.
     * {@code LossEngine.create(BackendKind.OPENCL, null, LaunchConfig.overrides().profile(LaunchConfig.Profile.GPU))}.
     *
     * @throws ConfigurationException when a launch setting is invalid (for this device)
     */
    public static LossEngine create(BackendKind kind, String deviceSelector, LaunchConfig.Overrides launch) {
        if (kind == null) throw new InvalidArgumentException("LossEngine.create: kind is null (AUTO, OPENCL or JAVA)");
        return create(EngineOptions.builder().backend(kind).device(deviceSelector).launch(launch).build());
    }

    /**
     * An engine set up by {@code options}: backend, device, launch settings, program cache, and the warm-up
     * calls made now. {@code AUTO} with a device may run small host calls on the Java reference where that
     * measured faster ({@link EngineOptions.Builder#autoCrossover}), and runs a call the device fails on the
     * Java reference (with a logged warning); {@code OPENCL} and {@code JAVA} always run on that backend.
     *
     * @throws BackendUnavailableException when {@code OPENCL} is asked for and no matching device exists
     * @throws ConfigurationException when a launch setting is invalid (for this device)
     */
    public static LossEngine create(EngineOptions options) {
        if (options == null) throw new InvalidArgumentException("LossEngine.create: options is null");
        if (options.backend() == BackendKind.JAVA) return new LossEngine(exactIf(options, new ReferenceBackend()));
        LaunchConfig.Overrides settings = options.launch().orElse(LaunchProperties.read());
        LossEngine engine;
        if (options.allGpus() || !options.devices().isEmpty()) {
            try {
                Backend devices = OpenClBackend.openAll(options.allGpus() ? OpenClBackend.requireGpus() : options.devices(), settings,
                        options.programCache(), MultiDeviceBackend::new);
                engine = options.backend() == BackendKind.AUTO ? new LossEngine(devices, exactIf(options, new ReferenceBackend()), null)
                        : new LossEngine(devices);
            } catch (BackendUnavailableException e) {
                if (options.backend() != BackendKind.AUTO) throw e;
                LOG.warn("No usable OpenCL devices ({}); computing losses on the Java reference backend instead", e.getMessage());
                return new LossEngine(exactIf(options, new ReferenceBackend()));
            }
            return warmedUp(engine, options);
        }
        switch (options.backend()) {
            case OPENCL:
                OpenClBackend only = OpenClBackend.open(options.device(), settings, options.programCache());
                SignalChaining.warnIfUnchained(only.device().platformName());
                engine = new LossEngine(exactIf(options, only));
                break;
            case AUTO:
                try {
                    OpenClBackend device = OpenClBackend.open(options.device(), settings, options.programCache());
                    SignalChaining.warnIfUnchained(device.device().platformName());
                    Backend reference = new ReferenceBackend();
                    boolean crossover = options.autoCrossover() && !options.reproducible();
                    engine = new LossEngine(exactIf(options, device), exactIf(options, reference),
                            crossover ? new AutoRouter(device, reference) : null);
                } catch (BackendUnavailableException e) {
                    LOG.warn("No usable OpenCL device ({}); computing losses on the Java reference backend instead", e.getMessage());
                    return new LossEngine(exactIf(options, new ReferenceBackend()));
                }
                break;
            default:
                throw new AssertionError(options.backend());
        }
        return warmedUp(engine, options);
    }

    /** {@code engine} after the warm-up calls of {@code options}; closed if one fails. */
    private static LossEngine warmedUp(LossEngine engine, EngineOptions options) {
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

    /** {@code backend}, or for a {@link EngineOptions.Builder#reproducible} engine that backend as a one-device {@link MultiDeviceBackend}. */
    private static Backend exactIf(EngineOptions options, Backend backend) {
        return options.reproducible() ? new MultiDeviceBackend(List.of(backend)) : backend;
    }

    /** The OpenCL backend the engine computes on (a reproducible engine's one device), or null. */
    private OpenClBackend openCl() {
        Backend b = backend instanceof MultiDeviceBackend ? ((MultiDeviceBackend) backend).single() : backend;
        return b instanceof OpenClBackend ? (OpenClBackend) b : null;
    }

    /**
     * An engine on the caller's OpenCL objects: losscl's kernels are built in {@code context} and enqueued on
     * {@code queue}, in that queue's order with the caller's own commands, so a kernel of the caller's that
     * wrote an input before the call needs no wait. The engine retains the three objects and, when closed,
     * releases only its own references: the caller keeps and releases its handles.
     *
     * <p>What is synchronous: a call with host inputs returns its results read back (blocking reads). A call
     * on device tensors returns once its kernels are enqueued; its results are ready for any later command on
     * the same queue ({@link DeviceTensor#toHost()} blocks). Some losses wait for the queue within the call (to
     * read a device-side error flag), so do not hold the queue waiting on an event you set after the call.
     * Inputs wrapped with {@link DeviceTensor#wrap} are read in place; results are new {@link DeviceTensor}s.
     *
     * @param context the caller's context
     * @param device the device of {@code context} that {@code queue} runs on
     * @param queue an in-order command queue (not {@code CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE})
     * @return the engine
     * @throws InvalidArgumentException for a null handle, a queue of another context or device, or an
     *         out-of-order queue
     */
    public static LossEngine onOpenCl(cl_context context, cl_device_id device, cl_command_queue queue) {
        return new LossEngine(OpenClBackend.wrap(context, device, queue, LaunchProperties.read()));
    }

    /**
     * Copies a host tensor to this engine's device. The device tensor is the caller's: close it (it is
     * {@link AutoCloseable}) before closing the engine.
     *
     * @param tensor the host tensor
     * @return the device-resident copy
     * @throws UnsupportedFeatureException on the Java backend, which has no device
     * @throws EngineClosedException when the engine is closed
     */
    public DeviceTensor upload(HostTensor tensor) {
        if (tensor == null) throw new InvalidArgumentException("upload: tensor is null");
        if (openCl() == null) {
            throw new UnsupportedFeatureException("upload: device tensors need the OpenCL backend (this engine is " + backend.name() + ")");
        }
        ensureOpen();
        return openCl().upload(tensor);
    }

    /**
     * An engine over several OpenCL devices, each named by an index or name substring as for
     * {@code losscl.device} (a device named twice is opened twice, as two engines sharing it). Each call's
     * rows are split across the devices in proportion to their measured speed and computed concurrently;
     * the partial losses merge exactly, gradients land in their rows of the result: bitwise the same for any
     * split. A call that cannot be split (device tensors, unbatched inputs) runs whole on the fastest device.
     * See {@code MultiDeviceBackend}.
     *
     * @throws BackendUnavailableException when a device is missing
     */
    public static LossEngine onDevices(String... selectors) {
        return new LossEngine(OpenClBackend.openAll(Arrays.asList(selectors), LaunchProperties.read(), null, MultiDeviceBackend::new));
    }

    /**
     * An engine over {@code parts} equal sub-devices of one OpenCL device ({@code clCreateSubDevices}), as
     * {@link #onDevices}: e.g. to test a multi-device set-up on one CPU device.
     */
    public static LossEngine onSubDevices(String selector, int parts) {
        return new LossEngine(new MultiDeviceBackend(OpenClBackend.openSubDevices(selector, parts, LaunchProperties.read())));
    }

    /** An engine over several backends as {@link #onDevices} (the Java reference too, for tests). */
    static LossEngine onBackends(List<? extends Backend> backends) { return new LossEngine(new MultiDeviceBackend(backends)); }

    /** The backend in use: {@code java} or {@code opencl:<device name>}. */
    public String backendName() { return backend.name(); }

    /** The backend itself: losscl's own plumbing (device-resident tensors come from {@link #upload}). */
    public Backend backend() { return backend; }

    /**
     * Computes {@code loss} on {@code inputs} and, in the same call, the gradient of every input named
     * in {@code gradFor} (each must be a floating-point input).
     *
     * @throws InvalidArgumentException for bad input, before any kernel runs; the engine stays usable
     * @throws DeviceException when the device fails
     */
    public LossResult compute(Loss loss, LossInputs inputs, String... gradFor) {
        requireArguments(loss, inputs);
        if (gradFor == null) throw new InvalidArgumentException(loss.name() + ": gradFor is null (pass no names for no gradients)");
        Set<String> grads = new LinkedHashSet<>(Arrays.asList(gradFor));
        check(loss, inputs, grads);
        return compute(LossRegistry.entryFor(loss), loss, inputs, grads);
    }

    /**
     * The exact partial reduction of {@code loss} over the rows in {@code inputs} (a slice of a batch), to be
     * {@link LossPartial#merge merged} with the partials of the other slices; {@link LossPartial#reduce()} of
     * the merge is bitwise the same for any split of the batch and any merge order. Computes the unreduced
     * losses ({@code loss.withReduction(NONE)}) and sums them exactly on the host. No rows (an empty slice):
     * the {@link LossPartial#empty empty} partial, without checking the inputs.
     *
     * @throws InvalidArgumentException for bad input, or a loss with reduction none
     * @throws UnsupportedFeatureException for a loss that is not a {@link ReducibleLoss}
     */
    public LossPartial partial(Loss loss, LossInputs inputs) {
        if (!(loss instanceof ReducibleLoss)) {
            throw new UnsupportedFeatureException(loss.name() + ": has no reduction to compute in parts");
        }
        ReducibleLoss reducible = (ReducibleLoss) loss;
        LossPartial.requireReduced(reducible);
        long rows = reducible.batchRows(inputs);
        if (rows == 0) return LossPartial.empty(reducible);
        ReducibleLoss unreduced = reducible.withReduction(Reduction.NONE);
        check(unreduced, inputs, Set.of());
        try (LossResult unreducedResult = compute(LossRegistry.entryFor(unreduced), unreduced, inputs, Set.of())) {
            return LossPartial.of(reducible, inputs, rows, unreducedResult.output().toHost());
        }
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
        requireArguments(loss, inputs);
        if (gradsInto == null) throw new InvalidArgumentException(loss.name() + ": gradsInto is null (an empty map for no gradients)");
        Set<String> grads = new LinkedHashSet<>(gradsInto.keySet());
        Shape outShape = check(loss, inputs, grads);
        DType dtype = loss.resultDtype(inputs);
        if (outputInto != null) checkDestination(loss, null, outputInto, dtype, outShape);
        for (Map.Entry<String, HostTensor> e : gradsInto.entrySet()) checkDestination(loss, e.getKey(), e.getValue(), dtype, inputs.get(e.getKey()).shape());
        return computeInto(LossRegistry.entryFor(loss), loss, inputs, outputInto, gradsInto);
    }

    /** {@link #computeInto(Loss, LossInputs, HostTensor, Map)} with the output in a new tensor. */
    public LossResult computeInto(Loss loss, LossInputs inputs, Map<String, HostTensor> gradsInto) {
        return computeInto(loss, inputs, null, gradsInto);
    }

    /** Checks the destination of the output ({@code gradOf} null) or of the gradient of input {@code gradOf}. */
    private static void checkDestination(Loss loss, String gradOf, HostTensor dst, DType dtype, Shape shape) {
        if (dst != null && dst.dtype() == dtype && dst.shape().equals(shape)) return;
        String what = gradOf == null ? "the output" : "the gradient of '" + gradOf + "'"; // named only on failure
        if (dst == null) throw new InvalidArgumentException(loss.name() + ": no destination given for " + what);
        if (dst.dtype() != dtype || !dst.shape().equals(shape)) {
            throw new InvalidArgumentException(loss.name() + ": " + what + " is a " + dtype + " tensor of shape " + shape
                    + ", its destination a " + dst.dtype() + " tensor of shape " + dst.shape());
        }
    }

    private void requireArguments(Loss loss, LossInputs inputs) {
        if (loss == null) throw new InvalidArgumentException("the loss is null: pass a loss specification, e.g. CrossEntropyLoss.of()");
        if (inputs == null) throw new InvalidArgumentException(loss.name() + ": inputs is null");
        ensureOpen();
    }

    private void ensureOpen() {
        if (closed) throw new EngineClosedException("engine is closed (" + backend.name() + ")");
    }

    /** The checks every call makes before any kernel: gradient names, input names, the loss's validation. */
    private static Shape check(Loss loss, LossInputs inputs, Set<String> grads) {
        for (String g : grads) {
            if (g == null) throw new InvalidArgumentException(loss.name() + ": a gradient name is null");
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
        requireArguments(loss, inputs);
        if (openCl() == null) {
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
            ensureOpen();
            // the overwritten input is the caller's tensor: closing the result leaves it open
            return openCl().computeInPlace(k, typed, inputs, name).notOwning(inputs.get(name));
        }
    }

    private <L extends Loss> LossResult compute(LossEntry<L> entry, Loss loss, LossInputs inputs, Set<String> grads) {
        synchronized (backend) {
            ensureOpen();
            try {
                if (router != null) return router.run(loss, inputs, grads, b -> computeOn(b, entry, loss, inputs, grads));
                return computeOn(backend, entry, loss, inputs, grads);
            } catch (DeviceException | UnsupportedFeatureException e) {
                return fallBack(e, () -> computeOn(fallback, entry, loss, inputs, grads));
            }
        }
    }

    private <L extends Loss> LossResult computeOn(Backend on, LossEntry<L> entry, Loss loss, LossInputs inputs, Set<String> grads) {
        return on.compute(entry, entry.type().cast(loss), inputs, grads);
    }

    private <L extends Loss> LossResult computeInto(LossEntry<L> entry, Loss loss, LossInputs inputs,
                                                    HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        L typed = entry.type().cast(loss);
        synchronized (backend) {
            ensureOpen();
            try {
                if (router != null) {
                    return router.run(loss, inputs, gradsInto.keySet(), b -> b.computeInto(entry, typed, inputs, outputInto, gradsInto));
                }
                return backend.computeInto(entry, typed, inputs, outputInto, gradsInto);
            } catch (DeviceException | UnsupportedFeatureException e) {
                return fallBack(e, () -> fallback.computeInto(entry, typed, inputs, outputInto, gradsInto));
            }
        }
    }

    /** AUTO's backend choices so far, "loss|pass|2^k" (size class of the inputs' element count) -> backend name. */
    public Map<String, String> autoChoices() { return router == null ? Map.of() : router.choices(); }

    /**
     * AUTO's answer to a call the device failed (an OpenCL error, a tensor above the device's largest
     * buffer, a dtype it lacks): one warning, then the call on the Java reference, whose result says
     * {@code java (fallback from opencl:...)}. Other engines rethrow.
     */
    private LossResult fallBack(LossclException failure, java.util.function.Supplier<LossResult> onReference) {
        if (fallback == null) throw failure;
        LOG.warn("{} -- computing this call on the Java reference instead (backend auto)", failure.getMessage());
        LossResult r = onReference.get();
        return r.withBackend(r.backend() + " (fallback from " + backend.name() + ")");
    }

    /**
     * Releases the backend's device resources; waits for a call in progress on another thread. Close the
     * device tensors and results of this engine first: afterwards reading them throws
     * {@link EngineClosedException}, as does any call on this engine. Idempotent.
     */
    @Override
    public void close() {
        synchronized (backend) {
            if (closed) return;
            closed = true;
            backend.close();
        }
    }

    static String setting(String property, String env, String dflt) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(env);
        return v == null || v.isBlank() ? dflt : v.trim();
    }
}
