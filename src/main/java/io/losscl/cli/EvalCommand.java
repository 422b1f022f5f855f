package io.losscl.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.losscl.BackendKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code losscl eval [--backend B] [FILE]}: reads one case, a JSON array of cases or JSON Lines,
 * and writes one result per case, in order, as JSON Lines (flushed per case). Exit status 0 when
 * every case was answered, 2 when the input as a whole cannot be read.
 */
public final class EvalCommand {
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private EvalCommand() {}

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        BackendKind forced = null;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--backend") && i + 1 < args.length) {
                forced = BackendKind.parse(args[++i]);
                if (forced == null) {
                    err.println("losscl eval: --backend must be auto, opencl or java, got '" + args[i] + "'");
                    return 2;
                }
            } else if (file == null) {
                file = args[i];
            } else {
                err.println("usage: losscl eval [--backend auto|opencl|java] [FILE|-]");
                return 2;
            }
        }
        String text;
        try {
            text = file == null || file.equals("-")
                    ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("losscl eval: cannot read " + (file == null ? "standard input" : file) + ": " + e.getMessage());
            return 2;
        }
        try (CaseRunner runner = new CaseRunner(forced)) {
            return evaluate(text, runner, out, err);
        }
    }

    /** Answers every case in {@code text}; returns the exit status. */
    static int evaluate(String text, CaseRunner runner, PrintStream out, PrintStream err) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) return 0;
        JsonNode whole = null;
        try {
            whole = JSON.readTree(trimmed);
        } catch (JsonProcessingException notOneValue) {
            // Not a single JSON value: JSON Lines, read below.
        }
        if (whole != null && whole.isArray()) {
            for (JsonNode c : whole) emit(runner.run(c), out);
            return 0;
        }
        if (whole != null && whole.isObject()) {
            emit(runner.run(whole), out);
            return 0;
        }
        if (trimmed.startsWith("[")) {
            err.println("losscl eval: the input is not valid JSON");
            return 2;
        }
        String[] lines = trimmed.split("\\R");
        int readable = 0;
        for (String line : lines) {
            if (!line.isBlank() && parses(line)) readable++;
        }
        if (readable == 0) {
            err.println("losscl eval: the input is neither JSON nor JSON Lines");
            return 2;
        }
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            JsonNode c;
            try {
                c = JSON.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                emit(CaseRunner.parseError("line " + (i + 1) + " is not valid JSON: " + e.getOriginalMessage()), out);
                continue;
            }
            emit(runner.run(c), out);
        }
        return 0;
    }

    private static boolean parses(String line) {
        try {
            JSON.readTree(line);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static void emit(JsonNode result, PrintStream out) {
        try {
            out.println(JSON.writeValueAsString(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
