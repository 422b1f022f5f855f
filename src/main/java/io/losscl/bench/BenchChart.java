package io.losscl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.losscl.cli.Svg;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code losscl bench --chart FILE.svg}: losscl's speed-up against each peer (peer time / losscl
 * device-resident time) per case and pass, as bars from 1× on a log scale, drawn from the bench's
 * JSON (the run just made, or an earlier {@code --json} file with {@code --from}).
 */
final class BenchChart {
    private static final double LABEL_W = 330, PLOT_W = 560, RIGHT = 70, TOP = 92, BAR_H = 10, ROW_GAP = 9;

    private BenchChart() {}

    /** One row: a case and pass, and the speed-up against each peer (absent where that peer did not run it). */
    record Row(String label, Map<String, Double> speedups) {}

    /** The rows of a bench JSON ({@code results[].device_ms.median} against {@code results[].peers_ms.PEER.median}). */
    static List<Row> rows(JsonNode bench) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : bench.path("results")) {
            double mine = r.path("device_ms").path("median").asDouble(Double.NaN);
            Map<String, Double> s = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("peers_ms").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                double theirs = p.getValue().path("median").asDouble(Double.NaN);
                if (mine > 0 && theirs > 0) s.put(p.getKey(), theirs / mine);
            }
            if (!s.isEmpty()) rows.add(new Row(r.path("id").asText() + "  " + r.path("pass").asText(), s));
        }
        return rows;
    }

    /** The peers in column order (the JSON's {@code peers} list, else as met in the rows). */
    static List<String> peers(JsonNode bench, List<Row> rows) {
        List<String> peers = new ArrayList<>();
        for (JsonNode p : bench.path("peers")) peers.add(p.path("label").asText());
        for (Row r : rows) for (String p : r.speedups().keySet()) if (!peers.contains(p)) peers.add(p);
        peers.removeIf(p -> rows.stream().noneMatch(r -> r.speedups().containsKey(p)));
        return peers;
    }

    /** The chart; {@code null} when no case has a peer time (run the bench with {@code --peers}). */
    static Svg draw(JsonNode bench, String subtitle) {
        List<Row> rows = rows(bench);
        List<String> peers = peers(bench, rows);
        if (rows.isEmpty()) return null;
        double lo = Double.MAX_VALUE, hi = 0;
        for (Row r : rows) for (double s : r.speedups().values()) { lo = Math.min(lo, s); hi = Math.max(hi, s); }
        int decadeLo = (int) Math.floor(Math.log10(Math.min(lo, 0.5))), decadeHi = (int) Math.ceil(Math.log10(Math.max(hi, 2)));
        double rowH = peers.size() * BAR_H + ROW_GAP;
        double plotH = rows.size() * rowH;
        double height = TOP + plotH + 44, width = LABEL_W + PLOT_W + RIGHT;
        double x0 = LABEL_W, span = decadeHi - decadeLo;
        java.util.function.DoubleUnaryOperator x = s -> x0 + PLOT_W * (Math.log10(s) - decadeLo) / span;

        Svg svg = new Svg(width, height);
        svg.text(12, 22, "losscl speed-up per case: peer time / losscl time (above 1×: losscl is faster), log scale", "start", 15, "#222",
                "font-weight=\"bold\"");
        if (subtitle != null) svg.text(12, 40, subtitle, "start", 11, "#555", "");
        double lx = 12;
        for (int p = 0; p < peers.size(); p++) {
            svg.rect(lx, 52, 12, 12, Svg.PALETTE[p % Svg.PALETTE.length]);
            String label = "vs " + peers.get(p);
            svg.text(lx + 17, 62, label, "start", 12, "#222", "");
            lx += 30 + 7 * label.length();
        }
        for (int i = 0; i < rows.size(); i++) {
            double y = TOP + i * rowH;
            if (i % 4 < 2) svg.rect(8, y - ROW_GAP / 2, width - 16, rowH, "#f3f5f8"); // fwd and fwd+bwd of one case shaded alike
            svg.text(x0 - 8, y + peers.size() * BAR_H / 2 + 4, rows.get(i).label(), "end", 11.5, "#222", "");
        }
        for (int d = decadeLo; d <= decadeHi; d++) {
            double v = Math.pow(10, d);
            svg.line(x.applyAsDouble(v), TOP - 8, x.applyAsDouble(v), TOP + plotH, "#bbb", 1, null);
            svg.text(x.applyAsDouble(v), TOP + plotH + 16, times(v), "middle", 11, "#333", "");
            svg.text(x.applyAsDouble(v), TOP - 12, times(v), "middle", 11, "#333", "");
            for (int m : new int[] {2, 5}) {
                if (d < decadeHi) svg.line(x.applyAsDouble(m * v), TOP - 4, x.applyAsDouble(m * v), TOP + plotH, "#e2e2e2", 1, null);
            }
        }
        svg.line(x.applyAsDouble(1), TOP - 8, x.applyAsDouble(1), TOP + plotH, "#222", 1.5, null);
        svg.text(x0 + PLOT_W / 2, TOP + plotH + 34, "speed-up (log scale); the black line is 1×, the same speed", "middle", 11.5, "#333", "");
        for (int i = 0; i < rows.size(); i++) {
            for (int p = 0; p < peers.size(); p++) {
                Double s = rows.get(i).speedups().get(peers.get(p));
                if (s == null) continue;
                double y = TOP + i * rowH + p * BAR_H, a = x.applyAsDouble(1), b = x.applyAsDouble(s);
                svg.rect(Math.min(a, b), y + 1, Math.max(1, Math.abs(b - a)), BAR_H - 2, Svg.PALETTE[p % Svg.PALETTE.length]);
                svg.text(s >= 1 ? b + 4 : b - 4, y + BAR_H - 1.5, String.format(Locale.ROOT, s < 10 ? "%.2f×" : "%.0f×", s),
                        s >= 1 ? "start" : "end", 9.5, "#333", "");
            }
        }
        return svg;
    }

    private static String times(double v) {
        return (v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v)) + "×";
    }
}
