package io.losscl;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The output of one loss call and the gradients asked for. Gradients are those of the sum of all
 * output elements (for {@link Reduction#NONE}: an all-ones upstream gradient).
 *
 * <p><b>Ownership.</b> When every input is a host tensor, so are the output and the gradients: plain Java
 * arrays, nothing to release (closing such a result does nothing). When an input is device-resident, the
 * output and gradients are new {@link io.losscl.opencl.DeviceTensor}s that this result owns: close the
 * result (try-with-resources) or each tensor to give their device memory back; a device tensor must not
 * be used after its result is closed. Exceptions: the caller's own tensors never become the result's, so
 * closing it leaves alone the destinations of {@link LossEngine#computeInto} and the input that
 * {@link LossEngine#computeGradientInPlace} overwrote with its gradient.
 */
public final class LossResult implements AutoCloseable {
    private final Tensor output;
    private final Map<String, Tensor> grads;
    private final String backend;
    /** Tensors held here that belong to the caller (closing the result leaves them open); null while none. */
    private Set<Tensor> callers;

    LossResult(Tensor output, Map<String, ? extends Tensor> grads, String backend) {
        this.output = output;
        this.grads = Collections.unmodifiableMap(new LinkedHashMap<>(grads));
        this.backend = backend;
    }

    /** This result with its backend named {@code backend} (AUTO's fallback says where the call ran). */
    LossResult withBackend(String backend) {
        LossResult r = new LossResult(output, grads, backend);
        if (callers != null) r.callers().addAll(callers);
        return r;
    }

    /** @return the loss: a scalar for {@code mean}/{@code sum}, per-element for {@code none} */
    public Tensor output() { return output; }

    /**
     * The value of a one-element output (downloaded if on the device).
     *
     * @return the loss value
     * @throws InvalidArgumentException when the output has more than one element ({@link Reduction#NONE})
     * @throws EngineClosedException when the output is on the device of an engine that is closed
     */
    public double scalar() { return output.toHost().item(); }

    /**
     * The gradient with respect to input {@code name}.
     *
     * @param name the input's name, e.g. {@code "input"}
     * @return the gradient, of that input's shape, in the result dtype
     * @throws InvalidArgumentException when that gradient was not asked for
     */
    public Tensor grad(String name) {
        Tensor g = grads.get(name);
        if (g == null) throw new InvalidArgumentException("no gradient for '" + name + "' was requested; have " + grads.keySet());
        return g;
    }

    /** @return all gradients by input name (unmodifiable) */
    public Map<String, Tensor> grads() { return grads; }

    /** @return which backend computed this, e.g. {@code java} or {@code opencl:<device name>} */
    public String backend() { return backend; }

    /**
     * Releases the device tensors this result owns (the output and gradients of a call on device tensors);
     * nothing for host results. Idempotent.
     */
    @Override
    public void close() {
        closeOwned(output);
        for (Tensor g : grads.values()) closeOwned(g);
    }

    private void closeOwned(Tensor t) {
        if (t instanceof AutoCloseable && (callers == null || !callers.contains(t))) {
            try {
                ((AutoCloseable) t).close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing " + t + " failed", e);
            }
        }
    }

    /** Marks {@code t} as the caller's: {@link #close()} leaves it open. */
    LossResult notOwning(Tensor t) {
        callers().add(t);
        return this;
    }

    /**
     * This result with its output (when {@code outputInto} is not null) and the gradients named in
     * {@code gradsInto} moved into those host tensors: each result not already there is copied in
     * ({@link Tensor#copyTo}) and, if device-resident, closed.
     */
    LossResult into(HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        Map<String, Tensor> g = new LinkedHashMap<>(grads);
        gradsInto.forEach((name, dst) -> g.put(name, moveInto(grads.get(name), dst)));
        return new LossResult(outputInto == null ? output : moveInto(output, outputInto), g, backend);
    }

    private Tensor moveInto(Tensor t, HostTensor dst) {
        if (t == null) throw new IllegalStateException("no result to copy into " + dst);
        if (t == dst) return dst;
        t.copyTo(dst);
        closeOwned(t);
        return dst;
    }

    private Set<Tensor> callers() {
        if (callers == null) callers = Collections.newSetFromMap(new IdentityHashMap<>());
        return callers;
    }
}
