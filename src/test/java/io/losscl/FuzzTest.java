package io.losscl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.cli.CaseRunner;
import io.losscl.cli.GoldenCheck;
import io.losscl.cli.Tolerance;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Issue 11, item 2: a property-based fuzz suite over every registered loss. Each try takes a small
 * golden case of a random loss (a valid case, so every loss and option is reached) and breaks it at
 * random: shapes (0-sized, broadcast, another rank), dtypes, option values within and outside their
 * ranges (wrong types, NaN, unknown names), NaN/inf/out-of-range data, gradients of unknown or integer
 * inputs. Through the eval front door on both backends, each case must either
 * <ul>
 *   <li>answer on the Java reference, and on OpenCL with a result equal to the reference's under the
 *       accuracy rule ({@link Tolerance}; the same dtype and shape), or
 *   <li>fail with {@code invalid_argument} or {@code unsupported} and a message naming the loss
 *       ({@code unsupported} may be one backend's alone; a case one backend rejects as invalid the other
 *       must reject too),
 * </ul>
 * and each engine must then still answer the untouched case. A fixed seed and a bounded count keep the
 * run in CI to a minute or two. On a failure jqwik reports its seed and the failing sample, and the
 * message carries the mutation's own seed, the golden case and the mutations: {@code new Random(seed)}
 * replays exactly that case.
 */
class FuzzTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Golden cases small enough to fuzz quickly: at most this many input elements, no generated data. */
    private static final int MAX_ELEMENTS = 600;
    private static final List<Golden.Case> SEEDS = seeds();
    private static final CaseRunner JAVA = new CaseRunner(BackendKind.JAVA);
    private static final CaseRunner OPENCL = OpenClSupport.available() ? new CaseRunner(BackendKind.OPENCL) : null;

    @AfterContainer
    static void close() {
        JAVA.close();
        if (OPENCL != null) OPENCL.close();
    }

    @Property(tries = 400, seed = "20261207", shrinking = ShrinkingMode.OFF)
    void everyBrokenCaseIsAnsweredOrRejectedByName(@ForAll("mutations") long mutation) {
        Random rnd = new Random(mutation);
        Golden.Case seed = SEEDS.get(rnd.nextInt(SEEDS.size()));
        String loss = seed.request.path("loss").asText();
        ObjectNode c = seed.request.deepCopy();
        List<String> did = new ArrayList<>();
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) did.add(mutate(c, rnd));
        String what = seed.id + " after " + did + " (mutation seed " + mutation + "): " + c;

        ObjectNode onJava = JAVA.run(c.deepCopy());
        checkAnswerOrNamedRejection(loss, onJava, "java", what);
        if (OPENCL != null) {
            ObjectNode onOpenCl = OPENCL.run(c.deepCopy());
            checkAnswerOrNamedRejection(loss, onOpenCl, "opencl", what);
            compareBackends(onJava, onOpenCl, what);
        }
        // the engines still answer the untouched case
        for (CaseRunner r : OPENCL == null ? List.of(JAVA) : List.of(JAVA, OPENCL)) {
            ObjectNode good = r.run(seed.request.deepCopy());
            boolean wantOk = seed.expect.path("ok").asBoolean();
            if (good.path("ok").asBoolean() != wantOk) throw new AssertionError("the untouched case " + seed.id + " now gives " + good + " after " + what);
        }
    }

    @Provide
    Arbitrary<Long> mutations() { return Arbitraries.longs(); }

    private static void checkAnswerOrNamedRejection(String loss, ObjectNode r, String backend, String what) {
        if (r.path("ok").asBoolean()) return;
        String type = r.path("error").path("type").asText(), message = r.path("error").path("message").asText();
        if (!type.equals("invalid_argument") && !type.equals("unsupported")) {
            throw new AssertionError(backend + ": error type " + type + " (" + message + ") for " + what);
        }
        if (!message.contains(loss)) throw new AssertionError(backend + ": the message does not name " + loss + ": " + message + " for " + what);
    }

    private static void compareBackends(ObjectNode java, ObjectNode cl, String what) {
        boolean jOk = java.path("ok").asBoolean(), cOk = cl.path("ok").asBoolean();
        String jType = java.path("error").path("type").asText(), cType = cl.path("error").path("type").asText();
        if (!jOk || !cOk) {
            // unsupported may be one backend's alone; invalid input is invalid on both
            if (jOk != cOk && !(jOk ? cType : jType).equals("unsupported")) {
                throw new AssertionError("java " + (jOk ? "answered" : java.get("error")) + " but opencl " + (cOk ? "answered" : cl.get("error")) + " for " + what);
            }
            if (!jOk && !cOk && !jType.equals(cType) && !jType.equals("unsupported") && !cType.equals("unsupported")) {
                throw new AssertionError("java " + java.get("error") + " but opencl " + cl.get("error") + " for " + what);
            }
            return;
        }
        compareTensor("output", java.get("output"), cl.get("output"), what);
        for (Iterator<Map.Entry<String, JsonNode>> it = java.path("grads").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> g = it.next();
            compareTensor("grad " + g.getKey(), g.getValue(), cl.path("grads").get(g.getKey()), what);
        }
    }

    private static void compareTensor(String name, JsonNode want, JsonNode got, String what) {
        if (got == null || !want.get("dtype").equals(got.get("dtype")) || !want.get("shape").equals(got.get("shape"))) {
            throw new AssertionError(name + ": opencl " + (got == null ? "none" : got.get("dtype") + " " + got.get("shape"))
                    + ", java " + want.get("dtype") + " " + want.get("shape") + " for " + what);
        }
        DType dtype = DType.fromProtocolName(want.get("dtype").asText());
        JsonNode w = want.get("data"), g = got.get("data");
        for (int i = 0; i < w.size(); i++) {
            double wv = GoldenCheck.value(w.get(i)), gv = GoldenCheck.value(g.get(i));
            // the accuracy rule; a 16-bit result may instead be within the last rounding of its dtype
            String why = Tolerance.check(gv, wv, dtype);
            if (why != null && (dtype == DType.FLOAT16 || dtype == DType.BFLOAT16) && Tolerance.checkHalf(gv, wv, dtype) == null) why = null;
            if (why != null) throw new AssertionError(name + "[" + i + "]: opencl " + gv + ", java " + wv + ": " + why + " for " + what);
        }
    }

    // ---- mutations: each returns what it did -------------------------------------------------------

    private static String mutate(ObjectNode c, Random rnd) {
        List<String> inputs = new ArrayList<>();
        c.path("inputs").fieldNames().forEachRemaining(inputs::add);
        switch (rnd.nextInt(8)) {
            case 0: return reshape(c, pick(inputs, rnd), rnd);
            case 1: return retype(c, pick(inputs, rnd), rnd);
            case 2: return nonFinite(c, pick(inputs, rnd), rnd);
            case 3: return integerValue(c, pick(inputs, rnd), rnd);
            case 4: return option(c, rnd);
            case 5: return grad(c, inputs, rnd);
            case 6: return dropOrRename(c, inputs, rnd);
            default: return reduction(c, rnd);
        }
    }

    private static String pick(List<String> names, Random rnd) { return names.isEmpty() ? null : names.get(rnd.nextInt(names.size())); }

    private static ObjectNode tensor(ObjectNode c, String name) {
        return name == null ? null : (ObjectNode) c.path("inputs").get(name);
    }

    /** Changes one dimension (to 0, 1 or another size), or adds or drops a leading one; new data to match. */
    private static String reshape(ObjectNode c, String name, Random rnd) {
        ObjectNode t = tensor(c, name);
        if (t == null) return "nothing";
        ArrayNode shape = (ArrayNode) t.get("shape");
        int kind = rnd.nextInt(4);
        String did;
        if (kind == 0 || shape.size() == 0) {
            shape.insert(0, 1 + rnd.nextInt(3));
            did = "lead dim";
        } else if (kind == 1 && shape.size() > 0) {
            shape.remove(0);
            did = "drop dim";
        } else {
            int d = rnd.nextInt(shape.size());
            int[] sizes = {0, 1, 1, 2, 3, 5};
            shape.set(d, F.numberNode(sizes[rnd.nextInt(sizes.length)]));
            did = "dim " + d;
        }
        long count = 1;
        for (JsonNode d : shape) count *= d.asLong();
        if (count > 4 * MAX_ELEMENTS) shape.set(0, F.numberNode(1));
        refill(t, rnd);
        return "reshape " + name + " " + did + " -> " + shape;
    }

    /** Fills a tensor's data for its shape: small values (class-like integers for int64). */
    private static void refill(ObjectNode t, Random rnd) {
        long count = 1;
        for (JsonNode d : t.get("shape")) count *= d.asLong();
        ArrayNode data = F.arrayNode();
        boolean integer = t.get("dtype").asText().equals("int64");
        for (long i = 0; i < count; i++) {
            if (integer) data.add(rnd.nextInt(4) - (rnd.nextInt(8) == 0 ? 1 : 0));
            else data.add(Math.round((rnd.nextGaussian()) * 1000) / 1000.0);
        }
        t.set("data", data);
    }

    private static String retype(ObjectNode c, String name, Random rnd) {
        ObjectNode t = tensor(c, name);
        if (t == null) return "nothing";
        String[] types = {"float32", "float64", "float16", "bfloat16", "int64"};
        String to = types[rnd.nextInt(types.length)];
        if (to.equals("int64")) {
            ArrayNode data = F.arrayNode();
            for (JsonNode v : t.get("data")) data.add(v.isNumber() ? Math.round(v.asDouble()) : 0);
            t.set("data", data);
        }
        t.put("dtype", to);
        return "retype " + name + " " + to;
    }

    private static String nonFinite(ObjectNode c, String name, Random rnd) {
        ObjectNode t = tensor(c, name);
        if (t == null || t.get("dtype").asText().equals("int64") || t.get("data").size() == 0) return "nothing";
        ArrayNode data = (ArrayNode) t.get("data");
        String[] values = {"nan", "inf", "-inf"};
        int i = rnd.nextInt(data.size());
        String v = values[rnd.nextInt(values.length)];
        data.set(i, F.textNode(v));
        return name + "[" + i + "] = " + v;
    }

    /** An integer value out of the usual ranges (class indices, lengths, targets). */
    private static String integerValue(ObjectNode c, String name, Random rnd) {
        ObjectNode t = tensor(c, name);
        if (t == null || t.get("data").size() == 0) return "nothing";
        ArrayNode data = (ArrayNode) t.get("data");
        long[] values = {-1, -100, 0, 1, 7, 1000, Long.MAX_VALUE, Long.MIN_VALUE};
        int i = rnd.nextInt(data.size());
        long v = values[rnd.nextInt(values.length)];
        if (t.get("dtype").asText().equals("int64")) data.set(i, F.numberNode(v));
        else data.set(i, F.numberNode((double) Math.max(-1e6, Math.min(1e6, v))));
        return name + "[" + i + "] = " + v;
    }

    /** An option set to a value in or out of its range, of the wrong type, or an unknown option. */
    private static String option(ObjectNode c, Random rnd) {
        ObjectNode o = c.has("options") && c.get("options").isObject() ? (ObjectNode) c.get("options") : c.putObject("options");
        String[] names = {"margin", "p", "eps", "delta", "beta", "label_smoothing", "ignore_index", "blank", "log_input", "full",
                "swap", "zero_infinity", "log_target", "distance_function", "reduction", "no_such_option"};
        String name = pick(List.of(names), rnd);
        if (o.size() > 0 && rnd.nextBoolean()) name = pick(iterate(o.fieldNames()), rnd);
        JsonNode[] values = {F.numberNode(-1.0), F.numberNode(0), F.numberNode(0.5), F.numberNode(2), F.numberNode(1e30),
                F.numberNode(-7), F.textNode("nan"), F.booleanNode(true), F.textNode("cosine_distance"), F.textNode("bogus"),
                F.numberNode(1.5), F.numberNode(Double.MIN_VALUE)};
        JsonNode v = values[rnd.nextInt(values.length)];
        o.set(name, v);
        return "option " + name + " = " + v;
    }

    private static String grad(ObjectNode c, List<String> inputs, Random rnd) {
        ArrayNode g = F.arrayNode();
        String name = rnd.nextInt(5) == 0 ? "nonexistent" : pick(inputs, rnd);
        if (name != null) g.add(name);
        c.set("grad", g);
        return "grad " + g;
    }

    private static String dropOrRename(ObjectNode c, List<String> inputs, Random rnd) {
        String name = pick(inputs, rnd);
        if (name == null) return "nothing";
        ObjectNode in = (ObjectNode) c.get("inputs");
        JsonNode t = in.remove(name);
        if (rnd.nextBoolean()) in.set(name + "_x", t);
        ArrayNode grads = F.arrayNode();
        for (JsonNode g : c.path("grad")) if (!g.asText().equals(name)) grads.add(g);
        c.set("grad", grads);
        return "drop " + name;
    }

    private static String reduction(ObjectNode c, Random rnd) {
        String[] r = {"none", "mean", "sum", "batchmean", "avg"};
        ObjectNode o = c.has("options") && c.get("options").isObject() ? (ObjectNode) c.get("options") : c.putObject("options");
        String v = r[rnd.nextInt(r.length)];
        o.put("reduction", v);
        return "reduction " + v;
    }

    private static List<String> iterate(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    private static List<Golden.Case> seeds() {
        List<Golden.Case> small = new ArrayList<>();
        for (LossEntry<?> e : LossRegistry.all()) {
            List<Golden.Case> cases = Golden.load(e.name());
            if (cases == null) continue;
            for (Golden.Case c : cases) if (small(c.request)) small.add(c);
        }
        return small;
    }

    private static boolean small(ObjectNode request) {
        long total = 0;
        for (JsonNode t : iterateNodes(request.path("inputs"))) {
            if (!t.has("data")) return false;
            total += t.get("data").size();
        }
        for (JsonNode t : iterateNodes(request.path("options"))) if (t.isObject() && !t.has("data")) return false;
        return total <= MAX_ELEMENTS;
    }

    private static List<JsonNode> iterateNodes(JsonNode node) {
        List<JsonNode> l = new ArrayList<>();
        node.elements().forEachRemaining(l::add);
        return l;
    }
}
