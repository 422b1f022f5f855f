package io.losscl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A few SVG elements written by hand: the CLI's two charts (bench speed-ups, the demo's BCE curves)
 * need lines, rectangles, text and a polyline, which is less code than a charting library's setup and
 * keeps the command line free of another dependency.
 */
public final class Svg {
    /** Colours that stay apart for the colour-blind (Okabe and Ito). */
    public static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"};

    private final StringBuilder b = new StringBuilder();

    public Svg(double width, double height) {
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" "
                + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">%n", n(width), n(height), n(width), n(height)));
        rect(0, 0, width, height, "white");
    }

    public Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        b.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n",
                n(x1), n(y1), n(x2), n(y2), stroke, n(width), dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
        return this;
    }

    public Svg rect(double x, double y, double w, double h, String fill) {
        b.append(String.format(Locale.ROOT, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>%n", n(x), n(y), n(w), n(h), fill));
        return this;
    }

    /** Text; {@code anchor} is start, middle or end; {@code style} extra attributes (e.g. {@code font-weight="bold"}) or "". */
    public Svg text(double x, double y, String text, String anchor, double size, String fill, String style) {
        b.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" text-anchor=\"%s\" font-size=\"%s\" fill=\"%s\"%s>%s</text>%n",
                n(x), n(y), anchor, n(size), fill, style.isEmpty() ? "" : " " + style, escape(text)));
        return this;
    }

    public Svg polyline(double[] xs, double[] ys, String stroke, double width) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) pts.append(i == 0 ? "" : " ").append(n(xs[i])).append(',').append(n(ys[i]));
        b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-linejoin=\"round\"/>%n",
                pts, stroke, n(width)));
        return this;
    }

    /** The finished document. */
    @Override
    public String toString() { return b + "</svg>\n"; }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toString(), StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String n(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
