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

    /**
     * Inputs given by name: {@code of("input", x, "target", y)}.
     *
     * @param nameTensorPairs alternately an input name (a {@link String}) and its {@link Tensor}
     * @return the inputs, in the order given
     * @throws InvalidArgumentException for an odd count, a name that is not a String, a repeated name, or a
     *         value that is null or not a Tensor
     */
    public static LossInputs of(Object... nameTensorPairs) {
        if (nameTensorPairs == null) throw new InvalidArgumentException("LossInputs.of: the arguments are null");
        if (nameTensorPairs.length % 2 != 0) {
            throw new InvalidArgumentException("LossInputs.of takes name, tensor pairs; got " + nameTensorPairs.length + " arguments");
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTensorPairs.length; i += 2) {
            Object name = nameTensorPairs[i];
            Object tensor = nameTensorPairs[i + 1];
            if (!(name instanceof String)) {
                throw new InvalidArgumentException("LossInputs.of: argument " + i + " must be an input name (a String), got "
                        + (name == null ? "null" : name.getClass().getSimpleName() + " " + name));
            }
            if (!(tensor instanceof Tensor)) {
                throw new InvalidArgumentException("LossInputs.of: input '" + name + "' (argument " + (i + 1) + ") must be a Tensor, got "
                        + (tensor == null ? "null" : tensor.getClass().getSimpleName()));
            }
            put(m, (String) name, (Tensor) tensor);
        }
        return new LossInputs(m);
    }

    private static void put(Map<String, Tensor> m, String name, Tensor t) {
        if (m.put(name, t) != null) throw new InvalidArgumentException("LossInputs: input '" + name + "' given twice");
    }

    /** Inputs given in the loss's positional order ({@link Loss#inputNames()}). */
    public static LossInputs positional(Loss loss, Tensor... tensors) {
        if (loss == null) throw new InvalidArgumentException("LossInputs.positional: the loss is null");
        if (tensors == null) throw new InvalidArgumentException(loss.name() + ": the tensors are null");
        List<String> names = loss.inputNames();
        if (tensors.length > names.size()) {
            throw new InvalidArgumentException(loss.name() + ": takes " + names.size() + " inputs " + names + ", got " + tensors.length);
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] == null) throw new InvalidArgumentException(loss.name() + ": input '" + names.get(i) + "' is null");
            m.put(names.get(i), tensors[i]);
        }
        return new LossInputs(m);
    }

    /**
     * Inputs from a map (copied, order kept).
     *
     * @param map input name to tensor
     * @return the inputs
     * @throws InvalidArgumentException for a null map, name or tensor
     */
    public static LossInputs of(Map<String, ? extends Tensor> map) {
        if (map == null) throw new InvalidArgumentException("LossInputs.of: the map is null");
        Map<String, Tensor> m = new LinkedHashMap<>();
        map.forEach((name, t) -> {
            if (name == null || t == null) throw new InvalidArgumentException("LossInputs.of: " + (name == null ? "a null input name" : "input '" + name + "' is null"));
            put(m, name, t);
        });
        return new LossInputs(m);
    }

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
