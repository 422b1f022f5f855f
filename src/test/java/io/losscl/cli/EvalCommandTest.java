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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
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

    // --- issue 11 rows 3, 4, 10, 12 and issue 14: exact int64, limits, BOM, duplicate keys, streaming ---

    private static final String NLL = "{\"id\":\"n\",\"loss\":\"nll_loss\",\"options\":{\"ignore_index\":%s},\"inputs\":{\"input\":{\"dtype\":\"float32\",\"shape\":[1,2],\"data\":[-1,-2]},"
            + "\"target\":{\"dtype\":\"int64\",\"shape\":[1],\"data\":[%s]}},\"backend\":\"java\"}";

    private static JsonNode error(JsonNode result) { return result.path("error"); }

    @Test
    void int64DataIsExactNotRoundedThroughADouble() throws Exception {
        // 2^53 + 1 is not 2^53: through a double the row was silently ignored (ok:true).
        JsonNode r = eval(String.format(NLL, "9007199254740992", "9007199254740993")).results.get(0);
        assertFalse(r.path("ok").asBoolean(), r.toString());
        assertEquals("invalid_argument", error(r).path("type").asText());
        assertTrue(error(r).path("message").asText().contains("9007199254740993"), r.toString());
        JsonNode ignored = eval(String.format(NLL, "9007199254740993", "9007199254740993")).results.get(0);
        assertTrue(ignored.path("ok").asBoolean(), ignored.toString());
        assertEquals("nan", ignored.path("output").path("data").get(0).asText(), "every row ignored: mean of nothing");
    }

    @Test
    void int64DataOutsideInt64OrNotAnIntegerIsAParseErrorNamingInputAndIndex() throws Exception {
        for (String bad : new String[] {"1e19", "18446744073709551616", "-9223372036854775809", "1.5", "1.0", "\"nan\"", "\"inf\"", "\"-inf\"", "true"}) {
            JsonNode r = eval(String.format(NLL, "-100", "1," + bad).replace("\"shape\":[1],", "\"shape\":[2],")
                    .replace("\"shape\":[1,2],\"data\":[-1,-2]", "\"shape\":[2,2],\"data\":[-1,-2,-1,-2]")).results.get(0);
            assertEquals("parse_error", error(r).path("type").asText(), bad + ": " + r);
            assertTrue(error(r).path("message").asText().startsWith("input 'target': data[1] is "), bad + ": " + r);
        }
        JsonNode edge = eval(String.format(NLL, "-9223372036854775808", "9223372036854775807")).results.get(0);
        assertEquals("invalid_argument", error(edge).path("type").asText(), "int64's extremes are read exactly: " + edge);
        JsonNode option = eval(String.format(NLL, "9223372036854775808", "0")).results.get(0);
        assertEquals("parse_error", error(option).path("type").asText(), option.toString());
        assertTrue(error(option).path("message").asText().contains("option 'ignore_index'"), option.toString());
    }

    @Test
    void aByteOrderMarkIsAccepted() throws Exception {
        for (String input : new String[] {String.format(MSE, "a", "2"), "[" + String.format(MSE, "a", "2") + "]"}) {
            Run r = eval("\uFEFF" + input);
            assertEquals(0, r.status, r.err);
            assertTrue(r.results.get(0).path("ok").asBoolean(), r.results.toString());
        }
    }

    @Test
    void duplicateKeysAreAParseErrorAndTheCasesAfterAreAnswered() throws Exception {
        String dupLoss = "{\"id\":\"d\",\"loss\":\"mse_loss\",\"loss\":\"l1_loss\",\"inputs\":{}}";
        String dupInput = String.format(MSE, "e", "2").replace("\"target\":", "\"input\":{\"dtype\":\"float32\",\"shape\":[2],\"data\":[5,5]},\"target\":");
        for (String input : new String[] {
                dupLoss + "\n" + dupInput + "\n" + String.format(MSE, "ok", "2"),
                "[" + dupLoss + ",\n" + dupInput + ",\n" + String.format(MSE, "ok", "2") + "]"}) {
            Run r = eval(input);
            assertEquals(0, r.status, r.err);
            assertEquals(3, r.results.size(), r.results.toString());
            for (int i = 0; i < 2; i++) {
                assertEquals("parse_error", error(r.results.get(i)).path("type").asText(), r.results.get(i).toString());
                assertTrue(error(r.results.get(i)).path("message").asText().contains("duplicate key '" + (i == 0 ? "loss" : "input") + "'"));
                assertTrue(error(r.results.get(i)).path("message").asText().startsWith("standard input line " + (i + 1)));
            }
            assertTrue(r.results.get(2).path("ok").asBoolean());
        }
    }

    @Test
    void aValidObjectOverTheJsonReadersLimitsGetsThePreciseReason() throws Exception {
        String deep = "{\"id\":\"deep\",\"loss\":\"mse_loss\",\"x\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        String longString = "{\"id\":\"" + "s".repeat(20_000_001) + "\",\"loss\":\"mse_loss\"}";
        String longNumber = "{\"id\":\"num\",\"loss\":\"mse_loss\",\"x\":0." + "1".repeat(1001) + "}";
        String[][] cases = {{deep, "nesting depth (1001) exceeds the maximum allowed (1000"},
                {longString, "String value length (20000001) exceeds the maximum allowed (20000000"},
                {longNumber, "Number value length (1001) exceeds the maximum allowed (1000"}};
        for (String[] c : cases) {
            Run r = eval(c[0] + "\n" + String.format(MSE, "after", "2"));
            assertEquals(0, r.status, r.err);
            assertEquals(2, r.results.size());
            String message = error(r.results.get(0)).path("message").asText();
            assertEquals("parse_error", error(r.results.get(0)).path("type").asText());
            assertTrue(message.contains(c[1]), message.length() > 300 ? message.substring(0, 300) : message);
            assertTrue(r.results.get(1).path("ok").asBoolean());
        }
    }

    @Test
    void onePrettyPrintedObjectAndObjectsOverSeveralLinesAreRead() throws Exception {
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(String.format(MSE, "p", "2")));
        Run r = eval("\n\n" + pretty + "\n" + pretty);
        assertEquals(0, r.status, r.err);
        assertEquals(2, r.results.size());
        assertEquals(2.5, r.results.get(1).path("output").path("data").get(0).asDouble(), 1e-6);
    }

    @Test
    void anArrayThatBreaksOffAnswersTheCasesBeforeAndExitsWithTwo() throws Exception {
        Run r = eval("[" + String.format(MSE, "a", "2") + ",\n" + String.format(MSE, "b", "3") + ",\n{\"id\": oops}]");
        assertEquals(2, r.status);
        assertEquals(2, r.results.size());
        assertTrue(r.err.contains("standard input line 3"), r.err);
    }

    @Test
    void aMistypedLossNameGetsASuggestion() throws Exception {
        JsonNode r = eval("{\"loss\":\"cross_entropi\",\"inputs\":{}}").results.get(0);
        assertEquals("unsupported", error(r).path("type").asText());
        assertTrue(error(r).path("message").asText().contains("did you mean 'cross_entropy'?"), r.toString());
        assertFalse(eval("{\"loss\":\"zzzzzzzz\",\"inputs\":{}}").results.get(0).toString().contains("did you mean"));
    }

    @Test
    void eachResultIsWrittenBeforeTheNextCaseIsRead() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(feed, 1 << 16);
        PipedInputStream results = new PipedInputStream(1 << 16);
        PrintStream out = new PrintStream(new PipedOutputStream(results), false, StandardCharsets.UTF_8);
        AtomicInteger status = new AtomicInteger(-1);
        Thread eval = new Thread(() -> {
            status.set(EvalCommand.run(new String[0], stdin, out, new PrintStream(OutputStream.nullOutputStream())));
            out.close();
        });
        eval.start();
        BufferedReader answers = new BufferedReader(new InputStreamReader(results, StandardCharsets.UTF_8));
        for (int i = 0; i < 3; i++) {
            // The input stays open: an answer can only come if the case was read and answered on its own.
            feed.write((String.format(MSE, "live" + i, "2") + "\n").getBytes(StandardCharsets.UTF_8));
            feed.flush();
            assertEquals("live" + i, JSON.readTree(answers.readLine()).path("id").asText());
        }
        feed.close();
        eval.join(30_000);
        assertEquals(0, status.get());
    }

    // --- issue 11 row 6: the backend setting holds for eval ---

    @AfterEach
    void clearSettings() {
        System.clearProperty("losscl.backend");
        System.clearProperty("losscl.device");
    }

    private static final String AUTO_MSE = String.format(MSE, "s", "2").replace(",\"backend\":\"java\"", "");

    @Test
    void theBackendSettingChoosesTheBackendOfCasesThatNameNone() throws Exception {
        System.setProperty("losscl.backend", "java");
        assertEquals("java", eval(AUTO_MSE).results.get(0).path("backend").asText());
        // opencl is an error when unavailable (here: no device of that name), never a quiet fall-back to Java.
        System.setProperty("losscl.backend", "opencl");
        System.setProperty("losscl.device", "no-such-device-anywhere");
        JsonNode r = eval(AUTO_MSE).results.get(0);
        assertEquals("backend_unavailable", error(r).path("type").asText(), r.toString());
        // A case's own backend and the --backend flag come first.
        assertEquals("java", eval(String.format(MSE, "own", "2")).results.get(0).path("backend").asText());
        assertEquals("java", eval(AUTO_MSE, "--backend", "java").results.get(0).path("backend").asText());
    }

    @Test
    void aBadBackendValueIsAnErrorInEveryCommand() {
        System.setProperty("losscl.backend", "bogus");
        for (String command : Main.commands()) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(new String[] {command}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, status, command);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("'bogus'; expected auto, opencl or java"), command + ": " + err);
        }
        System.clearProperty("losscl.backend");
        Run r = new Run();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        r.status = EvalCommand.run(new String[] {"--backend", "jav"}, new ByteArrayInputStream(new byte[0]), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, r.status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("did you mean 'java'?"), err.toString(StandardCharsets.UTF_8));
    }
}
