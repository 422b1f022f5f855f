package io.losscl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keyword options of one loss as PyTorch names them ({@code reduction}, {@code weight}, ...), read with
 * typed getters that apply PyTorch's defaults and reject ill-typed values with a message naming the
 * loss and the option. A value of {@code null} means the option is absent. Values are
 * {@link Number}, {@link Boolean}, {@link String} or {@link HostTensor}.
 */
public final class Options {
    private final String loss;
    private final Map<String, Object> values;

    private Options(String loss, Map<String, Object> values) {
        this.loss = loss;
        this.values = values;
    }

    /** Options of {@code loss} from a map (copied). */
    public static Options of(String loss, Map<String, ?> values) {
        return new Options(loss, Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }

    /** No options: every default applies. */
    public static Options none(String loss) { return of(loss, Map.of()); }

    /** Rejects option names outside {@code allowed}, as PyTorch rejects an unexpected keyword argument. */
    public void allowOnly(String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (String k : values.keySet()) {
            if (!ok.contains(k)) {
                throw new InvalidArgumentException(loss + ": unexpected option '" + k + "' (valid options: " + new TreeSet<>(ok) + ")");
            }
        }
    }

    /** {@code reduction}: {@code none}, {@code mean} (default) or {@code sum}; {@code batchmean} only when allowed. */
    public Reduction reduction(Reduction dflt, boolean allowBatchmean) {
        Object v = values.get("reduction");
        if (v == null) return dflt;
        Reduction r = v instanceof String ? Reduction.fromProtocolName((String) v) : null;
        if (r == null || (r == Reduction.BATCHMEAN && !allowBatchmean)) {
            throw new InvalidArgumentException(loss + ": option 'reduction' is " + describe(v)
                    + ", expected one of 'none', 'mean', 'sum'" + (allowBatchmean ? ", 'batchmean'" : ""));
        }
        return r;
    }

    /** True when option {@code name} is given (not absent, not null). */
    public boolean has(String name) { return values.get(name) != null; }

    /** A real-valued option (an integer is accepted, as in Python). */
    public double number(String name, double dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof Number) return ((Number) v).doubleValue();
        if (v instanceof String) {
            switch ((String) v) {
                case "nan": return Double.NaN;
                case "inf": return Double.POSITIVE_INFINITY;
                case "-inf": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw new InvalidArgumentException(loss + ": option '" + name + "' must be a number, got " + describe(v));
    }

    /** An integer option; a float with an integral value is rejected, as PyTorch rejects it for int arguments. */
    public long integer(String name, long dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof Long || v instanceof Integer || v instanceof Short) return ((Number) v).longValue();
        throw new InvalidArgumentException(loss + ": option '" + name + "' must be an integer, got " + describe(v));
    }

    /** A boolean option. */
    public boolean bool(String name, boolean dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof Boolean) return (Boolean) v;
        throw new InvalidArgumentException(loss + ": option '" + name + "' must be true or false, got " + describe(v));
    }

    /** A string option. */
    public String string(String name, String dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof String) return (String) v;
        throw new InvalidArgumentException(loss + ": option '" + name + "' must be a string, got " + describe(v));
    }

    /** A tensor option ({@code weight}, {@code pos_weight}); {@code null} when absent. */
    public HostTensor tensor(String name) {
        Object v = values.get(name);
        if (v == null) return null;
        if (v instanceof HostTensor) return (HostTensor) v;
        throw new InvalidArgumentException(loss + ": option '" + name + "' must be a tensor, got " + describe(v));
    }

    private static String describe(Object v) {
        if (v instanceof String) return "'" + v + "'";
        if (v instanceof HostTensor) return "a tensor of shape " + ((HostTensor) v).shape();
        return String.valueOf(v);
    }
}
