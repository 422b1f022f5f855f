package io.losscl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** Issue 14, item 3: {@code losscl bench --chart}: the speed-up against each peer per case, log scale. */
public class BenchChartTest {
    private static final String BENCH = "{\"machine\":\"test <machine> & co\",\"peers\":[{\"label\":\"PyTorch\"},{\"label\":\"DJL\"}],\"results\":["
            + "{\"id\":\"mse_loss 16M\",\"pass\":\"fwd\",\"device_ms\":{\"median\":2},\"peers_ms\":{\"PyTorch\":{\"median\":4},\"DJL\":{\"median\":200}}},"
            + "{\"id\":\"mse_loss 16M\",\"pass\":\"fwd+bwd\",\"device_ms\":{\"median\":4},\"peers_ms\":{\"PyTorch\":{\"median\":1}}},"
            + "{\"id\":\"ctc\",\"pass\":\"fwd\",\"skipped\":\"failed\",\"peers_ms\":{\"PyTorch\":{\"median\":1}}}]}";

    public static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void speedUpsArePeerTimeOverLosslTimePerCaseAndPeer() throws Exception {
        JsonNode bench = new ObjectMapper().readTree(BENCH);
        List<BenchChart.Row> rows = BenchChart.rows(bench);
        assertEquals(2, rows.size(), "a case without a losscl time has no bar");
        assertEquals(2.0, rows.get(0).speedups().get("PyTorch"), 1e-12);
        assertEquals(100.0, rows.get(0).speedups().get("DJL"), 1e-12);
        assertEquals(0.25, rows.get(1).speedups().get("PyTorch"), 1e-12);
        assertEquals(List.of("PyTorch", "DJL"), BenchChart.peers(bench, rows));
    }

    @Test
    void theChartIsWellFormedSvgWithOneBarPerSpeedUpOnALogScale() throws Exception {
        String svg = BenchChart.draw(new ObjectMapper().readTree(BENCH), "test <machine> & co").toString();
        Document doc = parse(svg);
        // background + row shading (2 rows) + legend (2) + bars (3)
        assertEquals(1 + 2 + 2 + 3, doc.getElementsByTagName("rect").getLength());
        assertTrue(svg.contains(">100×<") && svg.contains(">0.25×<") && svg.contains(">2.00×<"), svg);
        assertTrue(svg.contains(">0.1×<") && svg.contains(">10×<") && !svg.contains(">1000×<"), "whole decades around 0.25× to 100×");
    }

    @Test
    void chartFromAnEarlierRunsJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json"), chart = dir.resolve("out/chart.svg");
        Files.writeString(json, BENCH);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"--chart", chart.toString(), "--from", json.toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        parse(Files.readString(chart));
        Files.writeString(json, "{\"results\":[]}");
        assertEquals(1, BenchCommand.run(new String[] {"--chart", chart.toString(), "--from", json.toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8)), "no peer times: no chart, said so");
    }

    @Test
    void theReadmeChartIsTheChartOfTheCommittedNumbers() throws Exception {
        JsonNode bench = new ObjectMapper().readTree(Path.of("bench/results/2026-11-23-cpu.json").toFile());
        String committed = Files.readString(Path.of("docs/bench-speedup.svg"));
        assertEquals(BenchChart.draw(bench, bench.path("machine").asText(null)).toString(), committed,
                "regenerate: ./losscl bench --chart docs/bench-speedup.svg --from bench/results/2026-11-23-cpu.json");
        assertTrue(Files.readString(Path.of("README.md")).contains("(docs/bench-speedup.svg)"));
    }
}
