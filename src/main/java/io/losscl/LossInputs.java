package io.losscl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The named input tensors of one loss call, e.g. {@code input} and {@code target}. */
public final class LossInputs {
    private final Map<String, Tensor> tensors;

    private LossInputs(Map<String, Tensor> tensors) { this.tensors = Collections.unmodifiableMap(tensors); }

    /** Inputs given by name: {@code of("input", x, "target", y)}. */
    public static LossInputs of(Object... nameTensorPairs) {
        if (nameTensorPairs.length % 2 != 0) throw new IllegalArgumentException("LossInputs.of takes name, tensor pairs");
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTensorPairs.length; i += 2) {
            m.put((String) nameTensorPairs[i], (Tensor) nameTensorPairs[i + 1]);
        }
        return new LossInputs(m);
    }

    /** Inputs given in the loss's positional order ({@link Loss#inputNames()}). */
    public static LossInputs positional(Loss loss, Tensor... tensors) {
        List<String> names = loss.inputNames();
        if (tensors.length > names.size()) {
            throw new InvalidArgumentException(loss.name() + ": takes " + names.size() + " inputs " + names + ", got " + tensors.length);
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < tensors.length; i++) m.put(names.get(i), tensors[i]);
        return new LossInputs(m);
    }

    /** Inputs from a map (copied, order kept). */
    public static LossInputs of(Map<String, ? extends Tensor> map) { return new LossInputs(new LinkedHashMap<>(map)); }

    /** The tensor named {@code name}, or {@code null}. */
    public Tensor get(String name) { return tensors.get(name); }

    /** True when an input of that name was given. */
    public boolean has(String name) { return tensors.get(name) != null; }

    /** The tensor named {@code name}; an {@link InvalidArgumentException} for {@code loss} when absent. */
    public Tensor require(String loss, String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new InvalidArgumentException(loss + ": missing input '" + name + "'");
        return t;
    }

    /** The names given. */
    public Set<String> names() { return tensors.keySet(); }

    /** The map of names to tensors (unmodifiable). */
    public Map<String, Tensor> asMap() { return tensors; }

    /** True when every input lives in host memory. */
    public boolean allOnHost() {
        for (Tensor t : tensors.values()) if (!(t instanceof HostTensor)) return false;
        return true;
    }
}
