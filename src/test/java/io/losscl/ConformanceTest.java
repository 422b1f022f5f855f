package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.cli.CaseRunner;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden case of every registered loss, through the eval front door ({@link CaseRunner}) on the
 * Java reference and on OpenCL, checked against PyTorch's float64 answer, PyTorch's float32 accuracy
 * and PyTorch's errors. A new loss is picked up from {@link LossRegistry} with no new plumbing.
 */
class ConformanceTest {
    private static final CaseRunner JAVA = new CaseRunner(BackendKind.JAVA);
    private static final CaseRunner OPENCL = new CaseRunner(BackendKind.OPENCL);

    @AfterAll
    static void close() {
        JAVA.close();
        OPENCL.close();
    }

    @TestFactory
    Stream<DynamicNode> goldenCases() {
        List<DynamicNode> perLoss = new ArrayList<>();
        // -Dlosscl.test.losses=a,b restricts the run to some losses (for quick iteration; CI runs all).
        String only = System.getProperty("losscl.test.losses", "");
        for (LossEntry<?> entry : LossRegistry.all()) {
            if (!only.isBlank() && !java.util.Arrays.asList(only.split(",")).contains(entry.name())) continue;
            List<Golden.Case> cases = Golden.load(entry.name());
            if (cases == null) {
                perLoss.add(DynamicTest.dynamicTest(entry.name() + " has golden vectors",
                        () -> fail(entry.name() + " is registered but has no src/test/resources/golden/" + entry.name() + ".jsonl")));
                continue;
            }
            List<DynamicNode> tests = new ArrayList<>();
            for (Golden.Case c : cases) {
                tests.add(DynamicTest.dynamicTest(c.id + " [java]", () -> check(c, JAVA)));
                tests.add(DynamicTest.dynamicTest(c.id + " [opencl]", () -> {
                    OpenClSupport.assume();
                    check(c, OPENCL);
                }));
            }
            perLoss.add(DynamicContainer.dynamicContainer(entry.name(), tests));
        }
        return perLoss.stream();
    }

    static void check(Golden.Case c, CaseRunner runner) {
        ObjectNode result = runner.run(c.request.deepCopy());
        JsonNode expect = c.expect;
        if (!expect.path("ok").asBoolean()) {
            assertEquals(false, result.path("ok").asBoolean(), c.id + ": PyTorch rejects this case (" + expect.path("torch_message").asText()
                    + ") but losscl answered " + result);
            assertEquals(expect.path("error_type").asText("invalid_argument"), result.path("error").path("type").asText(),
                    c.id + ": error type; losscl said " + result.path("error"));
            String loss = c.request.path("loss").asText();
            assertTrue(result.path("error").path("message").asText().startsWith(loss + ":"),
                    c.id + ": the message must start with the loss name: " + result.path("error").path("message").asText());
            return;
        }
        assertTrue(result.path("ok").asBoolean(), c.id + ": failed: " + result.path("error"));
        JsonNode torch32 = expect.get("torch_float32");
        compare(c.id + " output", result.get("output"), expect.get("output"), torch32 == null ? null : torch32.get("output"));
        JsonNode grads = expect.path("grads");
        for (Iterator<Map.Entry<String, JsonNode>> it = grads.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> g = it.next();
            JsonNode got = result.path("grads").get(g.getKey());
            assertNotNull(got, c.id + ": no gradient for " + g.getKey() + " in " + result.path("grads").fieldNames());
            compare(c.id + " grad " + g.getKey(), got, g.getValue(), torch32 == null ? null : torch32.path("grads").get(g.getKey()));
        }
    }

    static void compare(String what, JsonNode got, JsonNode want, JsonNode torch32) {
        assertEquals(want.get("shape").toString(), got.get("shape").toString(), what + ": shape");
        JsonNode g = got.get("data"), w = want.get("data"), t = torch32 == null ? null : torch32.get("data");
        DType dtype = DType.fromProtocolName(got.path("dtype").asText());
        assertNotNull(dtype, what + ": result dtype " + got.get("dtype"));
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < w.size(); i++) {
            double gv = value(g.get(i)), wv = value(w.get(i));
            String why = Tolerance.check(gv, wv, dtype);
            if (why == null && t != null) why = Tolerance.noWorseThanTorch(gv, wv, value(t.get(i)));
            if (why != null && failures++ < 5) {
                report.append(String.format("%n  [%d] got %s want %s%s: %s", i, g.get(i), w.get(i), t == null ? "" : " (torch float32 " + t.get(i) + ")", why));
            }
        }
        if (failures > 0) fail(what + ": " + failures + " of " + w.size() + " elements wrong" + report);
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
