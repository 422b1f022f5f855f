package io.losscl;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AUTO's choice, per call size, between the OpenCL device and the Java reference for calls whose inputs all
 * live on the host. A device call costs at least its floor (uploads, a launch, a read: ~30 us on POCL, 10-50 us
 * on a GPU behind PCIe) whatever its size, the reference a time proportional to the work; below some size the
 * reference wins. That crossover depends on the device and the loss, so it is measured, once per engine, loss,
 * pass (forward or forward+backward) and power-of-two size class of the inputs' element count: the first call
 * of a class runs on both backends, alternating, until their Java is compiled (up to ~20 ms), then 15 timed times
 * each (again while the JIT compiled meanwhile or either got faster, for up to 250 ms; each backend's best lower
 * quartile counts: on a busy machine, or while the JIT compiles on another core, interference only ever adds
 * time), and the class keeps the winner for
 * the engine's life, so the same input always takes the same backend (deterministic results). A class above one
 * the device won goes to the device without measuring, as does anything over {@link #MAX_ELEMENTS} elements.
 * Choices are logged at debug level. Callers hold the engine's lock.
 */
final class AutoRouter {
    private static final Logger LOG = LoggerFactory.getLogger(AutoRouter.class);
    /** Beyond this many input elements the device is taken without measuring: the reference is milliseconds there. */
    static final long MAX_ELEMENTS = 1L << 17;
    /** Timed runs per backend when a size class is measured; their lower quartiles are compared. */
    private static final int TRIALS = 15;
    /**
     * Untimed runs first, alternating, until one backend has spent this long (its first run, which compiles
     * programs and loads classes, not counted) or {@link #WARM_CALLS} runs: the JVM compiles each path's Java
     * only after it has run a while (interpreted or in its first, profiling tier the reference is 4-10x slower
     * than compiled: cross_entropy 32x10 forward+backward 42 us against 8), and a choice made on cold code sent
     * small calls to the device that the warm reference does faster.
     */
    private static final long WARM_NANOS = 100_000_000L;
    private static final int WARM_CALLS = 2000;
    /** How long the timed runs may be repeated while the times settle (see {@link #measure}). */
    private static final long RETIME_NANOS = 250_000_000L;
    /** Rounds of timed runs in a row without a compilation or a faster time that end the measurement. */
    private static final int QUIET_ROUNDS = 3;
    /** The reference must beat the device by this factor: the device is the default, and noise should not flip it. */
    private static final double MARGIN = 0.8;

    private final Backend device;
    private final Backend reference;
    /**
     * Loss name -> pass (0 forward, 1 forward+backward) -> size class -> {@link #UNMEASURED}, {@link #DEVICE} or
     * {@link #REFERENCE}: looked up by the loss's name alone, so a routed call builds no key.
     */
    private final Map<String, byte[][]> choices = new HashMap<>();
    private static final byte UNMEASURED = 0, DEVICE = 1, REFERENCE = 2;
    private static final String[] PASSES = {"fwd", "fwd+bwd"};

    AutoRouter(Backend device, Backend reference) {
        this.device = device;
        this.reference = reference;
    }

    /**
     * Runs {@code call} on the backend AUTO chooses for it, measuring first when its size class is new. The call
     * must be safe to repeat (a computeInto overwrites the same arrays; the chosen backend's run comes last).
     */
    <R> R run(Loss loss, LossInputs inputs, Set<String> grads, java.util.function.Function<Backend, R> call) {
        if (!inputs.allOnHost()) return call.apply(device);
        long elements = 0;
        for (Tensor t : inputs.asMap().values()) elements += t.shape().numel();
        if (elements > MAX_ELEMENTS) return call.apply(device);
        int sizeClass = 63 - Long.numberOfLeadingZeros(Math.max(1, elements));
        int pass = grads.isEmpty() ? 0 : 1;
        byte[] classes = choices.computeIfAbsent(loss.name(), k -> new byte[2][64])[pass];
        if (classes[sizeClass] == UNMEASURED) {
            classes[sizeClass] = deviceWonBelow(classes, sizeClass) || !measure(loss.name() + "|" + PASSES[pass], sizeClass,
                    () -> call.apply(device), () -> call.apply(reference)) ? DEVICE : REFERENCE;
        }
        return call.apply(classes[sizeClass] == REFERENCE ? reference : device);
    }

    /** The choices made so far, "loss|pass|2^k" -> backend name (for tests and the bench). */
    Map<String, String> choices() {
        Map<String, String> out = new java.util.TreeMap<>();
        choices.forEach((loss, passes) -> {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < 64; k++) {
                    if (passes[pass][k] == UNMEASURED) continue;
                    out.put(loss + "|" + PASSES[pass] + "|2^" + k, passes[pass][k] == REFERENCE ? reference.name() : device.name());
                }
            }
        });
        return out;
    }

    /** Milliseconds the JVM's compilers have worked so far (-1 where it does not say, e.g. a runtime without java.management). */
    private static int jitMillis() {
        try {
            java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? (int) jit.getTotalCompilationTime() : -1;
        } catch (LinkageError e) {
            return -1;
        }
    }

    private static boolean deviceWonBelow(byte[] classes, int sizeClass) {
        for (int k = 0; k < sizeClass; k++) if (classes[k] == DEVICE) return true;
        return false;
    }

    private static boolean fasterBy5Percent(long before, long now) { return before != Long.MAX_VALUE && now < before * 0.95; }

    private boolean measure(String family, int sizeClass, Supplier<?> onDevice, Supplier<?> onReference) {
        long devSpent = 0, refSpent = 0;
        int warmCalls = 0;
        for (; warmCalls < 2 || (warmCalls < WARM_CALLS && devSpent < WARM_NANOS && refSpent < WARM_NANOS); warmCalls++) {
            long t0 = System.nanoTime();
            onDevice.get(); // the first: programs compiled, buffers pooled
            long t1 = System.nanoTime();
            onReference.get(); // the first: classes loaded
            long t2 = System.nanoTime();
            if (warmCalls == 0) continue; // one-time costs: not what the budget is for
            devSpent += t1 - t0;
            refSpent += t2 - t1;
        }
        long[] dev = new long[TRIALS], ref = new long[TRIALS];
        long devTime = Long.MAX_VALUE, refTime = Long.MAX_VALUE, stop = System.nanoTime() + RETIME_NANOS;
        // Timed again while the times settle (up to RETIME_NANOS): while the JIT compiled meanwhile (on two cores
        // its threads take the timed calls' core) or either backend got faster (a reference still waiting for
        // its compiled code measures several times slower: ~300 ms to settle for triplet_margin_loss 64x128),
        // until QUIET_ROUNDS rounds in a row did neither. Each backend keeps its best lower quartile: code only
        // gets faster, interference only adds time.
        int quiet = 0, rounds = 0;
        long started = System.nanoTime();
        for (int compiled = jitMillis(); ; rounds++) {
            long devBefore = devTime, refBefore = refTime;
            for (int k = 0; k < TRIALS; k++) {
                long t0 = System.nanoTime();
                onDevice.get();
                long t1 = System.nanoTime();
                onReference.get();
                long t2 = System.nanoTime();
                dev[k] = t1 - t0;
                ref[k] = t2 - t1;
            }
            java.util.Arrays.sort(dev);
            java.util.Arrays.sort(ref);
            devTime = Math.min(devTime, dev[TRIALS / 4]);
            refTime = Math.min(refTime, ref[TRIALS / 4]);
            int now = jitMillis();
            boolean settling = now != compiled || fasterBy5Percent(devBefore, devTime) || fasterBy5Percent(refBefore, refTime);
            quiet = settling ? 0 : quiet + 1;
            if (quiet == QUIET_ROUNDS || System.nanoTime() > stop) break;
            compiled = now;
        }
        boolean javaFaster = refTime < MARGIN * devTime;
        if (LOG.isDebugEnabled()) {
            LOG.debug("AUTO: {} with ~2^{} input elements: {} {} us, {} {} us (lower quartiles; {} warm-up calls, {} timed rounds in {} ms) -> {}",
                    family, sizeClass, device.name(), devTime / 1000, reference.name(), refTime / 1000, warmCalls, rounds + 1,
                    (System.nanoTime() - started) / 1_000_000, javaFaster ? reference.name() : device.name());
        }
        return javaFaster;
    }
}
