package io.losscl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.losscl.cli.CaseRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Extra PyTorch fixtures of the row-wise losses ({@code src/test/resources/golden-rows/}, made by
 * {@code tools/golden/gen_rows.py}): p = inf / p = 3 triplets, broadcast inputs, ties under swap,
 * duplicate multilabel targets. Checked exactly like the main golden cases ({@link ConformanceTest#check}).
 */
class RowLossesExtraGoldenTest {
    private static final String[] LOSSES = {"multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
        "triplet_margin_loss", "triplet_margin_with_distance_loss"};
    private static final CaseRunner JAVA = new CaseRunner(BackendKind.JAVA);
    private static final CaseRunner OPENCL = new CaseRunner(BackendKind.OPENCL);

    @AfterAll
    static void close() {
        JAVA.close();
        OPENCL.close();
    }

    @TestFactory
    Stream<DynamicNode> extraCases() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<DynamicNode> perLoss = new ArrayList<>();
        for (String loss : LOSSES) {
            List<DynamicNode> tests = new ArrayList<>();
            InputStream in = RowLossesExtraGoldenTest.class.getResourceAsStream("/golden-rows/" + loss + ".jsonl");
            if (in == null) throw new IllegalStateException("missing golden-rows/" + loss + ".jsonl");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) continue;
                    Golden.Case c = new Golden.Case((ObjectNode) json.readTree(line));
                    tests.add(DynamicTest.dynamicTest(c.id + " [java]", () -> ConformanceTest.check(c, JAVA)));
                    tests.add(DynamicTest.dynamicTest(c.id + " [opencl]", () -> {
                        OpenClSupport.assume();
                        ConformanceTest.check(c, OPENCL);
                    }));
                }
            }
            perLoss.add(DynamicContainer.dynamicContainer(loss, tests));
        }
        return perLoss.stream();
    }
}
