package io.losscl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14, item 2: consistent help, a version, suggestions, and errors that name the file and line. */
class MainTest {
    private static final class Result {
        int status;
        String out, err;
    }

    private static Result main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Result r = new Result();
        r.status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        r.out = out.toString(StandardCharsets.UTF_8);
        r.err = err.toString(StandardCharsets.UTF_8);
        return r;
    }

    @Test
    void everyCommandHasHelpThatExitsZeroWithItsUsage() {
        assertEquals(5, Main.commands().size(), Main.commands().toString());
        for (String command : Main.commands()) {
            for (String flag : new String[] {"--help", "-h"}) {
                Result r = main(command, flag);
                assertEquals(0, r.status, command + " " + flag + ": " + r.err);
                assertTrue(r.out.startsWith("usage: losscl " + command), command + ": " + r.out);
            }
            Result h = main("help", command);
            assertEquals(0, h.status);
            assertTrue(h.out.startsWith("usage: losscl " + command));
        }
        Result all = main("--help");
        assertEquals(0, all.status);
        for (String command : Main.commands()) assertTrue(all.out.contains("\n  " + command), all.out);
    }

    @Test
    void versionIsPrinted() {
        Result r = main("--version");
        assertEquals(0, r.status);
        assertTrue(r.out.startsWith("losscl "), r.out);
        assertEquals(Main.version(), r.out.strip().substring("losscl ".length()));
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        Result r = main("evl");
        assertEquals(2, r.status);
        assertTrue(r.err.startsWith("losscl: unknown command 'evl'; did you mean 'eval'?"), r.err);
        assertTrue(main("conformence").err.contains("did you mean 'conformance'?"));
        assertFalse(main("xyzzyplugh").err.contains("did you mean"));
        assertEquals(2, main().status);
    }

    @Test
    void conformanceOnAnEvalCaseWithoutExpectSaysSoNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path cases = dir.resolve("cases.jsonl");
        Files.writeString(cases, "\n{\"id\":\"a\",\"loss\":\"mse_loss\",\"inputs\":{}}\n");
        Result r = main("conformance", "--backend", "java", cases.toString());
        assertEquals(2, r.status, r.out + r.err);
        assertTrue(r.err.contains(cases + " line 2: no \"expect\" object"), r.err);
        Files.writeString(cases, "{\"id\":\"a\",\n");
        Result broken = main("conformance", "--backend", "java", cases.toString());
        assertEquals(2, broken.status);
        assertTrue(broken.err.contains(cases + " line 1: not JSON"), broken.err);
        Result missing = main("conformance", dir.resolve("nope.jsonl").toString());
        assertEquals(2, missing.status);
        assertTrue(missing.err.contains("nope.jsonl"), missing.err);
    }

    @Test
    void conformancePassesOnAGoldenFile() throws Exception {
        Path golden = Path.of("src/test/resources/golden/mse_loss.jsonl");
        Result r = main("conformance", "--backend", "java", golden.toString());
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("0 failed"), r.out);
    }

    @Test
    void evalNamesTheFileItCannotRead(@TempDir Path dir) {
        Result r = main("eval", dir.resolve("missing.json").toString());
        assertEquals(2, r.status);
        assertTrue(r.err.contains("missing.json"), r.err);
    }

    @Test
    void demoDrawsTheBceSaturationCurves(@TempDir Path dir) throws Exception {
        Path chart = dir.resolve("bce.svg");
        Result r = main("demo", "--backend", "java", "--chart", chart.toString());
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("BCE per element, p in (0, 1), target 1"), r.out);
        org.w3c.dom.Document svg = io.losscl.bench.BenchChartTest.parse(Files.readString(chart));
        org.w3c.dom.NodeList curves = svg.getElementsByTagName("polyline");
        assertEquals(2, curves.getLength());
        // target 1: -log p falls from the top to 0 as p goes to 1; target 0 rises: check the ends of each curve.
        for (int c = 0; c < 2; c++) {
            String[] pts = curves.item(c).getAttributes().getNamedItem("points").getNodeValue().split(" ");
            double firstY = Double.parseDouble(pts[0].split(",")[1]), lastY = Double.parseDouble(pts[pts.length - 1].split(",")[1]);
            assertTrue(c == 0 ? firstY < lastY : firstY > lastY, "curve " + c + " goes the right way (SVG y grows downwards)");
        }
        assertTrue(r.out.contains("demo: classification losses") && !r.out.contains("shared/seeds"), r.out);
    }
}
