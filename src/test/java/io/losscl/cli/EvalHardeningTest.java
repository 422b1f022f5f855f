package io.losscl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11 through {@code losscl eval}: cases too large or impossible get a typed error, and later cases an answer. */
class EvalHardeningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOOD = "{\"id\":\"good\",\"loss\":\"mse_loss\",\"inputs\":{\"input\":{\"dtype\":\"float32\",\"shape\":[2],\"data\":[1,2]},"
            + "\"target\":{\"dtype\":\"float32\",\"shape\":[2],\"data\":[0,0]}},\"grad\":[\"input\"]}";

    private static List<JsonNode> eval(String input, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        EvalCommand.run(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        List<JsonNode> results = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) if (!line.isBlank()) results.add(JSON.readTree(line));
        return results;
    }

    /** Row 1: CTC with T=40000, S=20000 on the Java reference needs ~26 GB of alpha/beta tables. */
    @Test
    void ctcTooLargeForTheReferenceIsATypedErrorAndTheNextCaseIsAnswered() throws Exception {
        int t = 40000, s = 20000;
        String ctc = "{\"id\":\"huge\",\"loss\":\"ctc_loss\",\"inputs\":{"
                + "\"log_probs\":{\"dtype\":\"float32\",\"shape\":[" + t + ",1,2],\"generate\":{\"splitmix64\":7,\"low\":-3,\"high\":-0.1}},"
                + "\"targets\":{\"dtype\":\"int64\",\"shape\":[1," + s + "],\"generate\":{\"splitmix64\":8,\"int_low\":1,\"int_high\":2}},"
                + "\"input_lengths\":{\"dtype\":\"int64\",\"shape\":[1],\"data\":[" + t + "]},"
                + "\"target_lengths\":{\"dtype\":\"int64\",\"shape\":[1],\"data\":[" + s + "]}},\"grad\":[\"log_probs\"]}";
        List<JsonNode> r = eval(ctc + "\n" + GOOD, "--backend", "java");
        assertEquals(2, r.size(), r.toString());
        JsonNode err = r.get(0).path("error");
        assertEquals("unsupported", err.path("type").asText(), r.get(0).toString());
        assertTrue(err.path("message").asText().startsWith("ctc_loss: "), err.toString());
        assertTrue(err.path("message").asText().contains("working memory"), err.toString());
        assertTrue(r.get(1).path("ok").asBoolean(), r.get(1).toString());
    }

    /** Row 5: [2^32, 2^32, 1] is invalid_argument naming the input and the shape; [2^32, 2^32, 0] is a valid empty tensor. */
    @Test
    void shapesWhoseCountOverflowsAreInvalidAndZeroSizedOnesAreValid() throws Exception {
        String big = "4294967296,4294967296";
        String impossible = "{\"id\":\"x\",\"loss\":\"mse_loss\",\"inputs\":{\"input\":{\"dtype\":\"float32\",\"shape\":[" + big + ",1],\"data\":[]},"
                + "\"target\":{\"dtype\":\"float32\",\"shape\":[1],\"data\":[0]}}}";
        String empty = "{\"id\":\"e\",\"loss\":\"mse_loss\",\"options\":{\"reduction\":\"sum\"},\"inputs\":{\"input\":{\"dtype\":\"float32\",\"shape\":[" + big + ",0],\"data\":[]},"
                + "\"target\":{\"dtype\":\"float32\",\"shape\":[" + big + ",0],\"data\":[]}},\"grad\":[\"input\"]}";
        for (String backend : new String[] {"java", "auto"}) {
            List<JsonNode> r = eval(impossible + "\n" + empty + "\n" + GOOD, "--backend", backend);
            JsonNode err = r.get(0).path("error");
            assertEquals("invalid_argument", err.path("type").asText(), r.get(0).toString());
            assertTrue(err.path("message").asText().contains("input 'input'"), err.toString());
            assertTrue(err.path("message").asText().contains("[4294967296, 4294967296, 1]"), err.toString());
            assertTrue(r.get(1).path("ok").asBoolean(), r.get(1).toString());
            assertEquals(0.0, r.get(1).path("output").path("data").get(0).asDouble());
            assertEquals("[4294967296,4294967296,0]", r.get(1).path("grads").path("input").path("shape").toString());
            assertTrue(r.get(2).path("ok").asBoolean(), r.get(2).toString());
        }
    }

    /** Row 1, the eval side: a tensor too large for the heap (8 GB of generated float64 values) is an error for its case alone. */
    @Test
    void aCaseTooLargeForTheHeapIsAnErrorAndTheNextCaseIsAnswered() throws Exception {
        String huge = "{\"id\":\"huge\",\"loss\":\"mse_loss\",\"inputs\":{"
                + "\"input\":{\"dtype\":\"float64\",\"shape\":[1073741824],\"generate\":{\"splitmix64\":1,\"low\":0,\"high\":1}},"
                + "\"target\":{\"dtype\":\"float64\",\"shape\":[1],\"data\":[0]}}}";
        List<JsonNode> r = eval(huge + "\n" + GOOD, "--backend", "java");
        assertEquals(2, r.size(), r.toString());
        assertEquals("unsupported", r.get(0).path("error").path("type").asText(), r.get(0).toString());
        assertTrue(r.get(0).path("error").path("message").asText().startsWith("mse_loss: "), r.get(0).toString());
        assertTrue(r.get(1).path("ok").asBoolean(), r.get(1).toString());
    }
}
