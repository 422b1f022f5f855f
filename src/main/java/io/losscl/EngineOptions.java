package io.losscl;

import io.losscl.opencl.LaunchConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link LossEngine#create(EngineOptions)} sets up an engine: backend, device, the OpenCL launch settings
 * ({@link LaunchConfig.Overrides}), where compiled OpenCL programs are kept across processes, and which calls to make once at creation so that their programs are
 * ready before the first real call.
 *
 * <pre>{@code
 * EngineOptions o = EngineOptions.builder()
 *         .backend(BackendKind.AUTO)
 *         .warmUp(ce, LossInputs.of("input", sampleLogits, "target", sampleLabels), "input")
 *         .build();
 * try (LossEngine engine = LossEngine.create(o)) { ... }
 * }</pre>
 */
public final class EngineOptions {
    /** One call made at creation: its programs are compiled (or loaded from the program cache) then. */
    public static final class WarmUp {
        final Loss loss;
        final LossInputs inputs;
        final String[] grads;

        WarmUp(Loss loss, LossInputs inputs, String[] grads) {
            this.loss = loss;
            this.inputs = inputs;
            this.grads = grads.clone();
        }
    }

    private final BackendKind backend;
    private final String device;
    private final LaunchConfig.Overrides launch;
    private final Path programCache;
    private final List<WarmUp> warmUps;
    private final boolean autoCrossover;
    private final boolean reproducible;
    private final List<String> devices;
    private final boolean allGpus;

    private EngineOptions(Builder b) {
        this.backend = b.backend;
        this.device = b.device;
        this.launch = b.launch;
        this.programCache = b.programCache;
        this.warmUps = List.copyOf(b.warmUps);
        this.autoCrossover = b.autoCrossover;
        this.reproducible = b.reproducible;
        this.devices = List.copyOf(b.devices);
        this.allGpus = b.allGpus;
    }

    /**
     * A builder starting from the defaults: backend {@code losscl.backend} / {@code LOSSCL_BACKEND} (else
     * {@code auto}), device {@code losscl.device} / {@code LOSSCL_DEVICE}, program cache {@link #defaultProgramCache()}.
     */
    public static Builder builder() { return new Builder(); }

    /** The defaults ({@link #builder()} unchanged). */
    public static EngineOptions defaults() { return builder().build(); }

    /**
     * Where compiled programs are kept unless told otherwise: {@code losscl.cacheDir} / {@code LOSSCL_CACHE_DIR}
     * ({@code none} turns the cache off: {@code null}), else {@code $XDG_CACHE_HOME/losscl}, else
     * {@code ~/.cache/losscl}; programs in its {@code programs} folder.
     */
    public static Path defaultProgramCache() {
        String dir = LossEngine.setting("losscl.cacheDir", "LOSSCL_CACHE_DIR", null);
        if (dir != null) return dir.equalsIgnoreCase("none") ? null : Path.of(dir).resolve("programs");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("losscl").resolve("programs");
    }

    public BackendKind backend() { return backend; }

    /** The OpenCL device selector (index or name substring), or {@code null} for the best device. */
    public String device() { return device; }

    /**
     * The launch settings taken over the system properties' ({@link LaunchConfig.Setting}) and the device's
     * table defaults; {@link LaunchConfig#overrides()} (none) unless set.
     */
    public LaunchConfig.Overrides launch() { return launch; }

    /** The program cache directory, or {@code null} when programs are not kept across processes. */
    public Path programCache() { return programCache; }

    /** The calls made once at creation. */
    public List<WarmUp> warmUps() { return warmUps; }

    /** Whether an {@code AUTO} engine may run a call on the Java reference where that is measured faster. */
    public boolean autoCrossover() { return autoCrossover; }

    /** Whether reductions are exact and independent of the device count ({@link Builder#reproducible}). */
    public boolean reproducible() { return reproducible; }

    /** The devices of a multi-device engine ({@link Builder#devices}); empty: one device ({@link #device()}). */
    public List<String> devices() { return devices; }

    /** Whether the engine takes every GPU ({@link Builder#allGpus}). */
    public boolean allGpus() { return allGpus; }

    /** Builds {@link EngineOptions}. */
    public static final class Builder {
        private BackendKind backend;
        private String device;
        private LaunchConfig.Overrides launch = LaunchConfig.overrides();
        private Path programCache;
        private final List<WarmUp> warmUps = new ArrayList<>();
        private boolean autoCrossover = true;
        private boolean reproducible;
        private final List<String> devices = new ArrayList<>();
        private boolean allGpus;

        private Builder() {
            device = LossEngine.setting("losscl.device", "LOSSCL_DEVICE", null);
            programCache = defaultProgramCache();
        }

        /** {@code losscl.backend} / {@code LOSSCL_BACKEND}, else {@code auto}: read only when no backend is given. */
        private static BackendKind backendSetting() {
            String kindName = LossEngine.setting("losscl.backend", "LOSSCL_BACKEND", "auto");
            BackendKind kind = BackendKind.parse(kindName);
            if (kind == null) {
                throw new IllegalArgumentException("losscl.backend/LOSSCL_BACKEND is '" + kindName + "', expected auto, opencl or java");
            }
            return kind;
        }

        public Builder backend(BackendKind kind) {
            this.backend = java.util.Objects.requireNonNull(kind, "backend");
            return this;
        }

        /** An OpenCL device index (as {@code losscl devices} lists) or name substring; {@code null}: the best. */
        public Builder device(String selector) {
            this.device = selector;
            return this;
        }

        /**
         * Launch settings (work-group size, layout, precision, profile, ...) over the system properties' and
         * the device's table defaults, e.g. {@code LaunchConfig.overrides().profile(LaunchConfig.Profile.GPU)}.
         */
        public Builder launch(LaunchConfig.Overrides overrides) {
            this.launch = java.util.Objects.requireNonNull(overrides, "launch");
            return this;
        }

        /** Keeps compiled programs in {@code dir} ({@code null}: compile in every process). */
        public Builder programCache(Path dir) {
            this.programCache = dir;
            return this;
        }

        /**
         * Makes this call once when the engine is created (on its OpenCL device, results discarded), so that
         * the programs it needs are compiled, or loaded from the program cache, before the first real call.
         * The inputs should have the shapes and dtypes of the real calls: programs depend on them.
         */
        public Builder warmUp(Loss loss, LossInputs inputs, String... grads) {
            warmUps.add(new WarmUp(loss, inputs, grads));
            return this;
        }

        /** Whether an {@code AUTO} engine may run small calls on the Java reference where that is faster (default true). */
        public Builder autoCrossover(boolean on) {
            this.autoCrossover = on;
            return this;
        }

        /**
         * Reduced losses on host inputs as an engine over several devices computes them
         * ({@link LossEngine#onDevices}): the per-row losses summed exactly ({@link LossPartial}) and the
         * gradients scaled once by the whole batch's reduction, so the results are bitwise those of
         * {@code onDevices}/{@code onSubDevices} engines of any device count and any split, and of Spark's
         * {@code losscl_loss} aggregate. Default false: the device sums with a fixed tree, bitwise
         * repeatable on one device and within the accuracy rule of the exact sum, one launch and one read
         * per call; reproducible calls read the per-row losses back and sum them on the host. Calls on
         * device tensors still reduce on the device. An {@code AUTO} engine then keeps to its device (no
         * crossover to the Java reference, whose per-row losses are rounded from double).
         */
        public Builder reproducible(boolean on) {
            this.reproducible = on;
            return this;
        }

        /**
         * An engine over several OpenCL devices, each an index or name substring as for {@link #device}: every
         * call's rows are split across them by measured speed, computed concurrently and merged exactly, as
         * {@link LossEngine#onDevices} (reductions as with {@link #reproducible}). Each device gets this
         * builder's launch settings and program cache. With {@code AUTO}, a device failure falls back to the
         * Java reference (logged); there is no crossover to it for small calls.
         */
        public Builder devices(String... selectors) {
            devices.clear();
            for (String s : selectors) devices.add(java.util.Objects.requireNonNull(s, "device selector"));
            return this;
        }

        /**
         * An engine over every OpenCL GPU of the machine, as {@link #devices} with each one's index. No GPU:
         * {@code OPENCL} fails with {@link BackendUnavailableException}; {@code AUTO} computes on the Java
         * reference with a logged warning.
         */
        public Builder allGpus() {
            this.allGpus = true;
            return this;
        }

        public EngineOptions build() {
            if (backend == null) backend = backendSetting();
            return new EngineOptions(this);
        }
    }
}
