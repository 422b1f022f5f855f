package io.losscl.cli;

import java.util.Locale;

/**
 * {@code losscl demo --chart FILE.svg}: binary cross-entropy against the predicted probability p, for
 * target 1 (-log p) and target 0 (-log(1 - p)): each curve saturates towards 0 as p nears its target
 * and grows without bound as p nears the other label.
 */
final class BceChart {
    private static final double LEFT = 64, TOP = 62, W = 560, H = 340, Y_MAX = 7;

    private BceChart() {}

    /** @param p increasing probabilities in (0, 1); {@code target1}, {@code target0} the losses there, as computed */
    static Svg draw(double[] p, double[] target1, double[] target0, String backend) {
        Svg svg = new Svg(LEFT + W + 60, TOP + H + 58);
        svg.text(12, 22, "Binary cross-entropy against the predicted probability", "start", 15, "#222", "font-weight=\"bold\"");
        String on = backend.length() > 48 ? backend.substring(0, 47) + "…" : backend;
        svg.text(12, 40, "binary_cross_entropy(p, target, reduction='none'), computed by losscl on " + on, "start", 11, "#555", "");
        for (int i = 0; i <= 10; i++) {
            double gx = LEFT + W * i / 10.0;
            svg.line(gx, TOP, gx, TOP + H, i == 0 ? "#222" : "#e2e2e2", 1, null);
            svg.text(gx, TOP + H + 16, String.format(Locale.ROOT, "%.1f", i / 10.0), "middle", 11, "#333", "");
        }
        for (int k = 0; k <= Y_MAX; k++) {
            double gy = y(k);
            svg.line(LEFT, gy, LEFT + W, gy, k == 0 ? "#222" : "#e2e2e2", 1, null);
            svg.text(LEFT - 8, gy + 4, Integer.toString(k), "end", 11, "#333", "");
        }
        svg.text(LEFT + W / 2, TOP + H + 36, "predicted probability p of label 1", "middle", 12, "#222", "");
        svg.text(18, TOP + H / 2, "loss", "middle", 12, "#222", "transform=\"rotate(-90 18 " + (TOP + H / 2) + ")\"");
        curve(svg, p, target1, Svg.PALETTE[0]);
        curve(svg, p, target0, Svg.PALETTE[1]);
        svg.text(LEFT + 0.07 * W, y(5.2), "target 1: −log p", "start", 13, Svg.PALETTE[0], "font-weight=\"bold\"");
        svg.text(LEFT + 0.93 * W, y(5.2), "target 0: −log(1 − p)", "end", 13, Svg.PALETTE[1], "font-weight=\"bold\"");
        svg.text(LEFT + W / 2, y(2.9), "near its target the loss flattens to 0 (saturates);", "middle", 11, "#444", "");
        svg.text(LEFT + W / 2, y(2.9) + 15, "towards the wrong label it grows without bound (PyTorch clamps log at −100)", "middle", 11, "#444", "");
        return svg;
    }

    private static void curve(Svg svg, double[] p, double[] loss, String colour) {
        int n = 0;
        double[] xs = new double[p.length], ys = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            if (!(loss[i] <= Y_MAX)) continue; // off the top of the chart
            xs[n] = LEFT + W * p[i];
            ys[n++] = y(loss[i]);
        }
        svg.polyline(java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n), colour, 2.5);
    }

    private static double y(double loss) { return TOP + H * (1 - loss / Y_MAX); }
}
