package io.losscl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.BackendKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code losscl conformance [--backend B] FILE...}: feeds golden fixture files (cases plus PyTorch's
 * expected answers) through {@code losscl eval} exactly as a user would, and checks every result.
 * Prints one line per file and the first problems; exit status 1 when any case fails.
 */
final class ConformanceCommand {
    private ConformanceCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        BackendKind backend = BackendKind.AUTO;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--backend") && i + 1 < args.length) backend = BackendKind.parse(args[++i]);
            else files.add(Path.of(args[i]));
        }
        if (backend == null || files.isEmpty()) {
            err.println("usage: losscl conformance [--backend auto|opencl|java] FIXTURE.jsonl...   (e.g. src/test/resources/golden/*.jsonl)");
            return 2;
        }
        int total = 0, failed = 0;
        try (CaseRunner runner = new CaseRunner(backend)) {
            for (Path f : files) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                List<ObjectNode> cases = new ArrayList<>();
                List<JsonNode> expects = new ArrayList<>();
                StringBuilder input = new StringBuilder();
                for (String line : lines) {
                    if (line.isBlank()) continue;
                    ObjectNode c = (ObjectNode) EvalCommand.JSON.readTree(line);
                    expects.add(c.remove("expect"));
                    cases.add(c);
                    input.append(EvalCommand.JSON.writeValueAsString(c)).append('\n');
                }
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                EvalCommand.evaluate(input.toString(), runner, new PrintStream(buffer, true, StandardCharsets.UTF_8), err);
                String[] results = buffer.toString(StandardCharsets.UTF_8).split("\n");
                int fileFailed = 0;
                for (int i = 0; i < cases.size(); i++) {
                    JsonNode result = i < results.length ? EvalCommand.JSON.readTree(results[i]) : null;
                    List<String> problems = result == null ? List.of("no result")
                            : GoldenCheck.problems(cases.get(i).path("loss").asText(), result, expects.get(i));
                    if (!problems.isEmpty()) {
                        if (fileFailed++ < 3) out.println("  FAIL " + cases.get(i).path("id").asText() + ": " + String.join("; ", problems));
                    }
                }
                total += cases.size();
                failed += fileFailed;
                out.printf("%-44s %4d cases  %s%n", f.getFileName(), cases.size(), fileFailed == 0 ? "all pass" : fileFailed + " FAILED");
            }
        }
        out.printf("%d passed, %d failed%n", total - failed, failed);
        return failed == 0 ? 0 : 1;
    }
}
