package io.losscl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The PyTorch golden vectors in {@code src/test/resources/golden/<loss>.jsonl} (made by tools/golden/generate.py). */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {}

    /** One fixture: the eval case (without {@code expect}) and what PyTorch answered. */
    public static final class Case {
        public final String id;
        public final ObjectNode request;
        public final JsonNode expect;

        Case(ObjectNode line) {
            this.expect = line.remove("expect");
            this.request = line;
            this.id = line.path("id").asText();
        }

        @Override public String toString() { return id; }
    }

    /** The fixtures of {@code loss}, or {@code null} when it has no golden file. */
    public static List<Case> load(String loss) {
        InputStream in = Golden.class.getResourceAsStream("/golden/" + loss + ".jsonl");
        if (in == null) return null;
        List<Case> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) cases.add(new Case((ObjectNode) JSON.readTree(line)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }
}
