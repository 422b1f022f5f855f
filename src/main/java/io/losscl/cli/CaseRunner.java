package io.losscl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.BackendKind;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossEngine;
import io.losscl.LossEntry;
import io.losscl.LossInputs;
import io.losscl.LossRegistry;
import io.losscl.LossResult;
import io.losscl.LossclException;
import io.losscl.Options;
import io.losscl.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one eval-protocol case (see {@code eval-protocol.md}): parses it, computes it on the
 * case's backend and builds the result object. Never throws for a bad case: every failure becomes
 * an error result. Engines are opened lazily, one per backend kind, and closed with the runner.
 */
public final class CaseRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaseRunner.class);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final BackendKind forcedBackend;
    private final BackendKind defaultBackend;
    private final Map<BackendKind, LossEngine> engines = new EnumMap<>(BackendKind.class);
    private final Map<BackendKind, LossclException> unavailable = new EnumMap<>(BackendKind.class);

    /** @param forcedBackend overrides each case's {@code backend}; {@code null} keeps the case's own (default auto) */
    public CaseRunner(BackendKind forcedBackend) { this(forcedBackend, BackendKind.AUTO); }

    /**
     * @param forcedBackend overrides each case's {@code backend}; {@code null} keeps the case's own
     * @param defaultBackend for a case that names no backend (the {@code losscl.backend} setting)
     */
    public CaseRunner(BackendKind forcedBackend, BackendKind defaultBackend) {
        this.forcedBackend = forcedBackend;
        this.defaultBackend = defaultBackend;
    }

    /** Answers one case. */
    public ObjectNode run(JsonNode c) {
        ObjectNode result = F.objectNode();
        if (c != null && c.has("id")) result.set("id", c.get("id"));
        try {
            if (c == null || !c.isObject()) throw new TensorJson.MalformedException("a case must be a JSON object");
            LossEntry<?> entry = lossEntry(c);
            Loss loss = entry.parse(Options.of(entry.name(), options(entry.name(), c.get("options"))));
            LossInputs inputs = inputs(c.get("inputs"));
            String[] grads = grads(c.get("grad"));
            LossEngine engine = engine(backend(c));
            LossResult r = engine.compute(loss, inputs, grads);
            result.put("ok", true);
            result.put("backend", r.backend());
            result.set("output", TensorJson.write(r.output().toHost()));
            ObjectNode g = result.putObject("grads");
            for (Map.Entry<String, Tensor> e : r.grads().entrySet()) g.set(e.getKey(), TensorJson.write(e.getValue().toHost()));
        } catch (TensorJson.MalformedException e) {
            return error(result, "parse_error", e.getMessage());
        } catch (LossclException e) {
            return error(result, e.errorType(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("internal error on case {}", result.get("id"), e);
            return error(result, "device_error", "internal error in losscl (please report this case): " + e);
        }
        return result;
    }

    /** An error result for input that is not a case at all (e.g. a line that is not JSON). */
    public static ObjectNode parseError(String message) {
        return error(F.objectNode(), "parse_error", message);
    }

    private static ObjectNode error(ObjectNode result, String type, String message) {
        JsonNode id = result.get("id");
        result.removeAll();
        if (id != null) result.set("id", id);
        result.put("ok", false);
        ObjectNode e = result.putObject("error");
        e.put("type", type);
        e.put("message", message);
        return result;
    }

    private static LossEntry<?> lossEntry(JsonNode c) {
        JsonNode name = c.get("loss");
        if (name == null || !name.isTextual()) throw new TensorJson.MalformedException("the case has no \"loss\" name");
        LossEntry<?> e = LossRegistry.byName(name.asText());
        if (e == null) {
            List<String> known = new ArrayList<>();
            for (LossEntry<?> k : LossRegistry.all()) known.add(k.name());
            throw new io.losscl.UnsupportedFeatureException("loss '" + name.asText() + "' is not a loss this build of losscl implements"
                    + Suggest.didYouMean(name.asText(), known) + " (the list: docs/eval-protocol.md, or the README's table)");
        }
        return e;
    }

    private static Map<String, Object> options(String loss, JsonNode node) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (node == null || node.isNull()) return m;
        if (!node.isObject()) throw new TensorJson.MalformedException("options must be a JSON object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            Object value;
            if (v.isNull()) continue;
            else if (TensorJson.isTensor(v)) value = TensorJson.parse(loss + " option '" + f.getKey() + "'", v);
            else if (v.isIntegralNumber()) value = TensorJson.int64(loss + " option '" + f.getKey() + "'", v);
            else if (v.isNumber()) value = v.asDouble();
            else if (v.isBoolean()) value = v.asBoolean();
            else if (v.isTextual()) value = v.asText();
            else throw new TensorJson.MalformedException("option '" + f.getKey() + "' has an unreadable value " + v);
            m.put(f.getKey(), value);
        }
        return m;
    }

    private static LossInputs inputs(JsonNode node) {
        if (node == null || !node.isObject()) throw new TensorJson.MalformedException("the case has no \"inputs\" object");
        Map<String, HostTensor> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isNull()) continue;
            m.put(f.getKey(), TensorJson.parse("input '" + f.getKey() + "'", f.getValue()));
        }
        return LossInputs.of(m);
    }

    private static String[] grads(JsonNode node) {
        if (node == null || node.isNull()) return new String[0];
        if (!node.isArray()) throw new TensorJson.MalformedException("grad must be a list of input names");
        List<String> g = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) throw new TensorJson.MalformedException("grad entries must be input names, got " + n);
            g.add(n.asText());
        }
        return g.toArray(new String[0]);
    }

    private BackendKind backend(JsonNode c) {
        if (forcedBackend != null) return forcedBackend;
        JsonNode b = c.get("backend");
        if (b == null || b.isNull()) return defaultBackend;
        BackendKind k = b.isTextual() ? BackendKind.parse(b.asText()) : null;
        if (k == null) throw new TensorJson.MalformedException("backend must be auto, opencl or java, got " + b);
        return k;
    }

    private LossEngine engine(BackendKind kind) {
        LossclException failed = unavailable.get(kind);
        if (failed != null) throw failed;
        LossEngine e = engines.get(kind);
        if (e == null) {
            try {
                e = LossEngine.create(kind);
            } catch (LossclException ex) {
                unavailable.put(kind, ex);
                throw ex;
            }
            engines.put(kind, e);
        }
        return e;
    }

    @Override
    public void close() {
        engines.values().forEach(LossEngine::close);
        engines.clear();
    }
}
