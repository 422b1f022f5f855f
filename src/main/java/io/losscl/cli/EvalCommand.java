package io.losscl.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.losscl.BackendKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code losscl eval [--backend B] [FILE]}: reads one case, a JSON array of cases or JSON Lines
 * ({@link CaseReader}), and writes one result per case, in order, as JSON Lines, each flushed as soon
 * as it is computed: memory is bounded by the largest case, not the input. Exit status 0 when every
 * case was answered, 2 when the input as a whole cannot be read.
 */
public final class EvalCommand {
    static final String USAGE = "eval [--backend auto|opencl|java] [FILE|-]";

    /** Strict JSON: a duplicate key is an error (the tree reader's check, so a stream can skip that case and go on). */
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    /** For a case read from a stream of them: what follows it is the next case, not trailing garbage. */
    static final com.fasterxml.jackson.databind.ObjectReader IN_STREAM =
            JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private EvalCommand() {}

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        BackendKind forced = null;
        String file = null;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--backend") && i + 1 < args.length) {
                    forced = BackendSetting.parse("--backend", args[++i]);
                } else if (file == null && (!args[i].startsWith("-") || args[i].equals("-"))) {
                    file = args[i];
                } else {
                    err.println("losscl eval: unexpected argument '" + args[i] + "'\nusage: losscl " + USAGE);
                    return 2;
                }
            }
            BackendKind byDefault = BackendSetting.resolve(null);
            boolean fromStdin = file == null || file.equals("-");
            String source = fromStdin ? "standard input" : file;
            try (Reader in = new InputStreamReader(fromStdin ? stdin : Files.newInputStream(Path.of(file)), StandardCharsets.UTF_8);
                 CaseRunner runner = new CaseRunner(forced, byDefault)) {
                return evaluate(in, source, runner, out, err);
            } catch (IOException e) {
                err.println("losscl eval: cannot read " + source + ": " + e.getMessage());
                return 2;
            }
        } catch (BackendSetting.BadValueException e) {
            err.println("losscl eval: " + e.getMessage());
            return 2;
        }
    }

    /** Answers every case read from {@code in}, writing each result as soon as it is computed; returns the exit status. */
    static int evaluate(Reader in, String source, CaseRunner runner, PrintStream out, PrintStream err) throws IOException {
        BufferedReader buffered = new BufferedReader(in, 1 << 16);
        try (CaseReader cases = new CaseReader(buffered, source)) {
            for (CaseReader.Item c = cases.next(); c != null; c = cases.next()) {
                emit(c.error() != null ? CaseRunner.parseError(c.error()) : runner.run(c.json()), out);
            }
            return 0;
        } catch (CaseReader.NotJsonException | CaseReader.BrokenInputException e) {
            err.println("losscl eval: " + e.getMessage());
            return 2;
        }
    }

    private static void emit(JsonNode result, PrintStream out) throws IOException {
        JSON.writeValue((java.io.OutputStream) out, result);
        out.write('\n');
        out.flush();
    }
}
