package io.losscl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Shape;
import io.losscl.UnsupportedFeatureException;

/**
 * The protocol's tensor object: {@code {"dtype": "float32", "shape": [4, 5], "data": [...]}}, row-major,
 * non-finite floats as the strings {@code "nan"}, {@code "inf"}, {@code "-inf"}.
 */
public final class TensorJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TensorJson() {}

    /** A malformed tensor object: the case is a {@code parse_error}. */
    public static final class MalformedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedException(String message) { super(message); }
    }

    /** True when {@code node} looks like a tensor object (has dtype and shape). */
    public static boolean isTensor(JsonNode node) {
        return node != null && node.isObject() && node.has("dtype") && node.has("shape");
    }

    /** Parses a tensor object named {@code what} (for messages). */
    public static HostTensor parse(String what, JsonNode node) {
        if (!isTensor(node)) throw new MalformedException(what + ": expected a tensor object with dtype, shape and data");
        String dtypeName = node.get("dtype").asText();
        DType dtype = DType.fromProtocolName(dtypeName);
        if (dtype == null) throw new UnsupportedFeatureException(what + ": dtype '" + dtypeName + "' is not supported");
        JsonNode shapeNode = node.get("shape");
        if (!shapeNode.isArray()) throw new MalformedException(what + ": shape must be a list of sizes");
        long[] dims = new long[shapeNode.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new MalformedException(what + ": shape entry " + d + " is not a size");
            }
            dims[i] = d.asLong();
        }
        Shape shape = Shape.of(dims);
        JsonNode gen = node.get("generate");
        if (gen != null && !node.has("data")) return HostTensor.fromDoubles(dtype, shape, Splitmix.generate(what, gen, shape.numelInt()));
        JsonNode data = node.get("data");
        if (data == null || !data.isArray()) throw new MalformedException(what + ": data must be a list of numbers");
        if (data.size() != shape.numel()) {
            throw new MalformedException(what + ": shape " + shape + " needs " + shape.numel() + " values, data has " + data.size());
        }
        if (dtype == DType.INT64) {
            // Exact: an int64 never passes through a double (2^53 + 1 stays itself).
            long[] v = new long[data.size()];
            for (int i = 0; i < v.length; i++) v[i] = int64(what + ": data[" + i + "]", data.get(i));
            return HostTensor.of(v, dims);
        }
        double[] v = new double[data.size()];
        for (int i = 0; i < v.length; i++) v[i] = number(what, data.get(i), i);
        return HostTensor.fromDoubles(dtype, shape, v);
    }

    /**
     * An int64 value, exactly: a JSON integer within [-2^63, 2^63). A fraction or exponent (1.5, 1e3, even 1.0),
     * a value outside int64 and the non-finite strings are parse errors naming {@code what}.
     */
    static long int64(String what, JsonNode n) {
        if (n.isIntegralNumber()) {
            if (n.canConvertToLong()) return n.longValue();
            throw new MalformedException(what + " is " + n + ", outside int64 [-9223372036854775808, 9223372036854775807]");
        }
        if (n.isNumber()) throw new MalformedException(what + " is " + n.asText() + ", not an integer (int64 values are written without a fraction or exponent)");
        if (n.isTextual()) throw new MalformedException(what + " is " + n + "; int64 has no NaN or infinity");
        throw new MalformedException(what + " is " + n + ", not an integer");
    }

    private static double number(String what, JsonNode n, int i) {
        if (n.isNumber()) return n.asDouble();
        if (n.isTextual()) {
            switch (n.asText()) {
                case "nan": return Double.NaN;
                case "inf": return Double.POSITIVE_INFINITY;
                case "-inf": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw new MalformedException(what + ": data[" + i + "] is " + n + ", not a number");
    }

    /** Writes a tensor object; float32/16 values in their shortest round-trip form. */
    public static ObjectNode write(HostTensor t) {
        ObjectNode o = F.objectNode();
        o.put("dtype", t.dtype().protocolName());
        ArrayNode shape = o.putArray("shape");
        for (long d : t.shape().dims()) shape.add(d);
        ArrayNode data = o.putArray("data");
        int n = t.shape().numelInt();
        for (int i = 0; i < n; i++) {
            if (t.dtype() == DType.INT64) {
                data.add(t.getLong(i));
                continue;
            }
            double v = t.getDouble(i);
            if (Double.isNaN(v)) data.add("nan");
            else if (Double.isInfinite(v)) data.add(v > 0 ? "inf" : "-inf");
            else if (t.dtype() == DType.FLOAT64) data.add(v);
            else data.add((float) v);
        }
        return o;
    }
}
