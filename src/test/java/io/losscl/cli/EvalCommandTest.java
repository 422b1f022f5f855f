package io.losscl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.losscl.BackendKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The eval protocol's framing: one object, arrays, JSON Lines, bad lines, exit codes, strict JSON output. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MSE = "{\"id\":\"%s\",\"loss\":\"mse_loss\",\"inputs\":{\"input\":{\"dtype\":\"float32\",\"shape\":[2],\"data\":[1,%s]},"
            + "\"target\":{\"dtype\":\"float32\",\"shape\":[2],\"data\":[0,0]}},\"grad\":[\"input\"],\"backend\":\"java\"}";

    private static final class Run {
        int status;
        List<JsonNode> results = new ArrayList<>();
        String err;
    }

    private static Run eval(String input, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Run r = new Run();
        r.status = EvalCommand.run(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) if (!line.isBlank()) r.results.add(JSON.readTree(line));
        r.err = err.toString(StandardCharsets.UTF_8);
        return r;
    }

    @Test
    void oneObjectAnArrayAndJsonLinesAreAnsweredInOrder() throws Exception {
        assertEquals(1, eval(String.format(MSE, "a", "2")).results.size());
        Run array = eval("[" + String.format(MSE, "a", "2") + "," + String.format(MSE, "b", "3") + "]");
        assertEquals(0, array.status);
        assertEquals("a", array.results.get(0).get("id").asText());
        assertEquals("b", array.results.get(1).get("id").asText());
        assertEquals(2.5, array.results.get(0).path("output").path("data").get(0).asDouble(), 1e-6);
        Run lines = eval(String.format(MSE, "a", "2") + "\n{oops\n" + String.format(MSE, "c", "1"));
        assertEquals(0, lines.status);
        assertEquals(3, lines.results.size());
        assertEquals("parse_error", lines.results.get(1).path("error").path("type").asText());
        assertEquals("c", lines.results.get(2).get("id").asText());
    }

    @Test
    void inputThatIsNotJsonAtAllExitsWithTwo() throws Exception {
        Run r = eval("this is not json\nnor this");
        assertEquals(2, r.status);
        assertTrue(r.results.isEmpty());
    }

    @Test
    void nonFiniteValuesTravelAsStrings() throws Exception {
        Run r = eval(String.format(MSE, "nan", "\"nan\""));
        JsonNode out = r.results.get(0).path("output").path("data").get(0);
        assertTrue(out.isTextual());
        assertEquals("nan", out.asText());
    }

    @Test
    void errorsCarryTheirProtocolType() throws Exception {
        Run r = eval("{\"id\":\"x\",\"loss\":\"no_such_loss\",\"inputs\":{}}\n"
                + "{\"id\":\"y\",\"loss\":\"mse_loss\",\"options\":{\"reduction\":\"avg\"},\"inputs\":{\"input\":{\"dtype\":\"float32\",\"shape\":[1],\"data\":[1]},\"target\":{\"dtype\":\"float32\",\"shape\":[1],\"data\":[1]}}}\n"
                + "{\"id\":\"z\",\"loss\":\"mse_loss\",\"inputs\":{\"input\":{\"dtype\":\"float32\",\"shape\":[2],\"data\":[1]}}}");
        assertEquals("unsupported", r.results.get(0).path("error").path("type").asText());
        assertEquals("invalid_argument", r.results.get(1).path("error").path("type").asText());
        assertTrue(r.results.get(1).path("error").path("message").asText().contains("'avg'"));
        assertEquals("parse_error", r.results.get(2).path("error").path("type").asText());
        for (JsonNode res : r.results) assertFalse(res.path("ok").asBoolean());
    }

    @Test
    void theBackendFlagOverridesEachCase() throws Exception {
        Run r = eval(String.format(MSE, "a", "2"), "--backend", "java");
        assertEquals("java", r.results.get(0).path("backend").asText());
        assertEquals(BackendKind.JAVA, BackendKind.parse("JAVA"));
    }
}
