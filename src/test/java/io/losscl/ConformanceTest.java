package io.losscl;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.cli.CaseRunner;
import io.losscl.cli.GoldenCheck;
import java.util.ArrayList;
import java.util.List;
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
        List<String> problems = GoldenCheck.problems(c.request.path("loss").asText(), result, c.expect);
        if (!problems.isEmpty()) fail(c.id + ": " + String.join("\n", problems));
    }
}
