package io.losscl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.BackendKind;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code losscl conformance [--backend B] FILE...}: feeds golden fixture files (cases plus PyTorch's
 * expected answers; the format is in docs/eval-protocol.md, "Fixtures") through {@code losscl eval}
 * exactly as a user would, and checks every result. Prints one line per file and the first problems;
 * exit status 1 when any case fails, 2 when a file cannot be read or is not a fixture file.
 */
final class ConformanceCommand {
    static final String USAGE = "conformance [--backend auto|opencl|java] FIXTURE.jsonl...";

    private ConformanceCommand() {}

    /** A fixture file that is not one: names the file and line. */
    private static final class BadFixtureException extends Exception {
        private static final long serialVersionUID = 1L;

        BadFixtureException(String message) { super(message); }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        BackendKind flag = null;
        List<Path> files = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--backend") && i + 1 < args.length) flag = BackendSetting.parse("--backend", args[++i]);
                else if (args[i].startsWith("-")) throw new BackendSetting.BadValueException("unknown option '" + args[i] + "'");
                else files.add(Path.of(args[i]));
            }
        } catch (BackendSetting.BadValueException e) {
            err.println("losscl conformance: " + e.getMessage() + "\nusage: losscl " + USAGE);
            return 2;
        }
        if (files.isEmpty()) {
            err.println("usage: losscl " + USAGE + "   (e.g. src/test/resources/golden/*.jsonl)");
            return 2;
        }
        int total = 0, failed = 0;
        try (CaseRunner runner = new CaseRunner(BackendSetting.resolve(flag))) {
            for (Path f : files) {
                List<ObjectNode> cases = new ArrayList<>();
                List<JsonNode> expects = new ArrayList<>();
                String input = read(f, cases, expects);
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                int status = EvalCommand.evaluate(new StringReader(input), f.toString(), runner,
                        new PrintStream(buffer, true, StandardCharsets.UTF_8), err);
                if (status != 0) throw new BadFixtureException(f + ": eval could not read the cases (exit status " + status + ")");
                String[] results = buffer.toString(StandardCharsets.UTF_8).split("\n");
                int fileFailed = 0;
                for (int i = 0; i < cases.size(); i++) {
                    JsonNode result = i < results.length ? EvalCommand.JSON.readTree(results[i]) : null;
                    List<String> problems = result == null ? List.of("no result")
                            : GoldenCheck.problems(cases.get(i).path("loss").asText(), result, expects.get(i));
                    if (!problems.isEmpty() && fileFailed++ < 3) {
                        out.println("  FAIL " + cases.get(i).path("id").asText() + ": " + String.join("; ", problems));
                    }
                }
                total += cases.size();
                failed += fileFailed;
                out.printf("%-44s %4d cases  %s%n", f.getFileName(), cases.size(), fileFailed == 0 ? "all pass" : fileFailed + " FAILED");
            }
        } catch (BadFixtureException e) {
            err.println("losscl conformance: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("losscl conformance: cannot read " + e.getMessage());
            return 2;
        }
        out.printf("%d passed, %d failed%n", total - failed, failed);
        return failed == 0 ? 0 : 1;
    }

    /** Reads a fixture file: each line a case plus its {@code expect}; returns the cases as eval input. */
    private static String read(Path f, List<ObjectNode> cases, List<JsonNode> expects) throws IOException, BadFixtureException {
        StringBuilder input = new StringBuilder();
        try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (line.isBlank()) continue;
                String at = f + " line " + lineNumber + ": ";
                JsonNode c;
                try {
                    c = EvalCommand.JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new BadFixtureException(at + "not JSON: " + CaseReader.message(e));
                }
                if (!c.isObject()) throw new BadFixtureException(at + "a fixture line must be a JSON object (an eval case plus \"expect\")");
                JsonNode expect = ((ObjectNode) c).remove("expect");
                if (expect == null || !expect.isObject() || !expect.path("ok").isBoolean()) {
                    throw new BadFixtureException(at + "no \"expect\" object with \"ok\": this is an eval case, not a fixture "
                            + "(a fixture is a case plus PyTorch's answer: docs/eval-protocol.md, \"Fixtures\"); run it with losscl eval");
                }
                if (expect.path("ok").asBoolean() && !expect.path("output").isObject()) {
                    throw new BadFixtureException(at + "\"expect\" says ok but has no \"output\" tensor");
                }
                cases.add((ObjectNode) c);
                expects.add(expect);
                input.append(EvalCommand.JSON.writeValueAsString(c)).append('\n');
            }
        }
        return input.toString();
    }
}
