package io.losscl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The output of one loss call and the gradients asked for. Gradients are those of the sum of all
 * output elements (for {@link Reduction#NONE}: an all-ones upstream gradient). When the inputs were
 * device-resident, so are the output and gradients; {@link Tensor#toHost()} brings them back.
 */
public final class LossResult {
    private final Tensor output;
    private final Map<String, Tensor> grads;
    private final String backend;

    public LossResult(Tensor output, Map<String, ? extends Tensor> grads, String backend) {
        this.output = output;
        this.grads = Collections.unmodifiableMap(new LinkedHashMap<>(grads));
        this.backend = backend;
    }

    /** The loss: a scalar for {@code mean}/{@code sum}, per-element for {@code none}. */
    public Tensor output() { return output; }

    /** The value of a one-element output (downloaded if on the device). */
    public double scalar() { return output.toHost().item(); }

    /** The gradient with respect to input {@code name}; an error when it was not asked for. */
    public Tensor grad(String name) {
        Tensor g = grads.get(name);
        if (g == null) throw new IllegalArgumentException("no gradient for '" + name + "' was requested; have " + grads.keySet());
        return g;
    }

    /** All gradients by input name. */
    public Map<String, Tensor> grads() { return grads; }

    /** Which backend computed this, e.g. {@code java} or {@code opencl:<device name>}. */
    public String backend() { return backend; }

    /**
     * This result with its output (when {@code outputInto} is not null) and the gradients named in
     * {@code gradsInto} moved into those host tensors: each result not already there is copied in
     * ({@link Tensor#copyTo}) and, if device-resident, closed. For backends implementing
     * {@link LossEngine#computeInto}.
     */
    public LossResult into(HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        Map<String, Tensor> g = new LinkedHashMap<>(grads);
        gradsInto.forEach((name, dst) -> g.put(name, moveInto(grads.get(name), dst)));
        return new LossResult(outputInto == null ? output : moveInto(output, outputInto), g, backend);
    }

    private static Tensor moveInto(Tensor t, HostTensor dst) {
        if (t == null) throw new IllegalStateException("no result to copy into " + dst);
        if (t == dst) return dst;
        t.copyTo(dst);
        close(t);
        return dst;
    }

    /** Closes {@code t} if it holds device memory. */
    static void close(Tensor t) {
        if (t instanceof AutoCloseable) {
            try {
                ((AutoCloseable) t).close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + t + " failed", e);
            }
        }
    }
}
