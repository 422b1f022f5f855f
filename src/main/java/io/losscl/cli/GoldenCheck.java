package io.losscl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.losscl.DType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares an eval result with a golden fixture's {@code expect} (tools/golden/README.md): PyTorch's
 * float64 answer under {@link Tolerance}, no worse than PyTorch's float32 result, or PyTorch's error.
 * Shared by {@code losscl conformance} and the JUnit conformance test.
 */
public final class GoldenCheck {
    private GoldenCheck() {}

    /** The problems found; empty when the result conforms. */
    public static List<String> problems(String loss, JsonNode result, JsonNode expect) {
        List<String> problems = new ArrayList<>();
        if (!expect.path("ok").asBoolean()) {
            if (result.path("ok").asBoolean()) {
                problems.add("PyTorch rejects this case (" + expect.path("torch_message").asText() + ") but losscl answered it");
                return problems;
            }
            String wantType = expect.path("error_type").asText("invalid_argument");
            String type = result.path("error").path("type").asText();
            if (!wantType.equals(type)) problems.add("error type " + type + ", expected " + wantType + ": " + result.path("error"));
            String message = result.path("error").path("message").asText();
            if (!message.startsWith(loss + ":")) problems.add("the error message must start with '" + loss + ":': " + message);
            return problems;
        }
        if (!result.path("ok").asBoolean()) {
            problems.add("failed: " + result.path("error"));
            return problems;
        }
        JsonNode torch32 = expect.get("torch_float32");
        compare("output", result.get("output"), expect.get("output"), torch32 == null ? null : torch32.get("output"), problems);
        for (Iterator<Map.Entry<String, JsonNode>> it = expect.path("grads").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> g = it.next();
            JsonNode got = result.path("grads").get(g.getKey());
            if (got == null) {
                problems.add("no gradient for " + g.getKey());
                continue;
            }
            compare("grad " + g.getKey(), got, g.getValue(), torch32 == null ? null : torch32.path("grads").get(g.getKey()), problems);
        }
        return problems;
    }

    private static void compare(String what, JsonNode got, JsonNode want, JsonNode torch32, List<String> problems) {
        if (want == null || !want.path("data").isArray() || !want.path("shape").isArray()) {
            problems.add(what + ": the fixture's expected tensor has no shape and data");
            return;
        }
        if (got == null || !got.path("data").isArray()) {
            problems.add(what + ": the result has no tensor");
            return;
        }
        if (!want.get("shape").toString().equals(got.path("shape").toString())) {
            problems.add(what + ": shape " + got.path("shape") + ", expected " + want.get("shape"));
            return;
        }
        DType dtype = DType.fromProtocolName(got.path("dtype").asText());
        if (dtype == null) {
            problems.add(what + ": unknown result dtype " + got.get("dtype"));
            return;
        }
        JsonNode g = got.get("data"), w = want.get("data"), t = torch32 == null ? null : torch32.get("data");
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < w.size(); i++) {
            double gv = value(g.get(i)), wv = value(w.get(i));
            String why = Tolerance.check(gv, wv, dtype);
            if (why == null && t != null) why = Tolerance.noWorseThanTorch(gv, wv, value(t.get(i)));
            if (why != null && failures++ < 5) {
                report.append(String.format("%n  [%d] got %s want %s%s: %s", i, g.get(i), w.get(i),
                        t == null ? "" : " (torch float32 " + t.get(i) + ")", why));
            }
        }
        if (failures > 0) problems.add(what + ": " + failures + " of " + w.size() + " elements wrong" + report);
    }

    static double value(JsonNode n) {
        if (n.isNumber()) return n.asDouble();
        switch (n.asText()) {
            case "nan": return Double.NaN;
            case "inf": return Double.POSITIVE_INFINITY;
            case "-inf": return Double.NEGATIVE_INFINITY;
            default: throw new IllegalArgumentException("not a number: " + n);
        }
    }
}
