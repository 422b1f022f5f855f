package io.losscl.cli;

import io.losscl.BackendKind;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossEngine;
import io.losscl.LossEntry;
import io.losscl.LossInputs;
import io.losscl.LossRegistry;
import io.losscl.LossclException;
import io.losscl.Options;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code losscl demo}: the walkthrough of the classification losses: cross-entropy
 * with hard and soft labels, NLL of log-softmax equals cross-entropy, KL divergence, per-sample
 * cross-entropy = entropy + KL, BCE equals two-class NLL, cosine embedding loss. Every value is
 * computed on the chosen backend and on the Java reference; every identity is checked. Exit status 1
 * on any mismatch.
 */
final class DemoCommand {
    static final String USAGE = "demo [--backend auto|opencl|java] [--chart FILE.svg]";
    private static final int BATCH = 8;
    private static final int CLASSES = 10;

    private final LossEngine engine;
    private final LossEngine reference;
    private final PrintStream out;
    private final List<String[]> rows = new ArrayList<>();
    private boolean allOk = true;

    private DemoCommand(LossEngine engine, LossEngine reference, PrintStream out) {
        this.engine = engine;
        this.reference = reference;
        this.out = out;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        BackendKind kind = null;
        String chart = null;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--backend") && i + 1 < args.length) kind = BackendSetting.parse("--backend", args[++i]);
                else if (args[i].equals("--chart") && i + 1 < args.length) chart = args[++i];
                else throw new BackendSetting.BadValueException("unexpected argument '" + args[i] + "'");
            }
        } catch (BackendSetting.BadValueException e) {
            err.println("losscl demo: " + e.getMessage() + "\nusage: losscl " + USAGE);
            return 2;
        }
        try (LossEngine engine = LossEngine.create(BackendSetting.resolve(kind));
             LossEngine reference = LossEngine.create(BackendKind.JAVA)) {
            DemoCommand demo = new DemoCommand(engine, reference, out);
            demo.walkthrough();
            if (chart != null) demo.chart(java.nio.file.Path.of(chart));
            return demo.report();
        } catch (LossclException e) {
            err.println("losscl demo: " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            err.println("losscl demo: cannot write the chart " + chart + ": " + e.getMessage());
            return 1;
        }
    }

    /** The BCE saturation curves, computed on the engine (and checked against the reference like every row). */
    private void chart(java.nio.file.Path file) throws java.io.IOException {
        int n = 999;
        float[] p = new float[n];
        float[] ones = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (i + 1) / 1000f;
            ones[i] = 1;
        }
        Map<String, Object> none = Map.of("reduction", "none");
        double[] target1 = values("BCE per element, p in (0, 1), target 1", "binary_cross_entropy", none,
                "input", HostTensor.of(p, n), "target", HostTensor.of(ones, n));
        double[] target0 = values("BCE per element, p in (0, 1), target 0", "binary_cross_entropy", none,
                "input", HostTensor.of(p, n), "target", HostTensor.of(new float[n], n));
        if (target1 == null || target0 == null) return;
        double[] pd = new double[n];
        for (int i = 0; i < n; i++) pd[i] = p[i];
        BceChart.draw(pd, target1, target0, engine.backendName()).write(file);
        row("chart written to " + file, "", "", "OK");
    }

    private void walkthrough() {
        Random rnd = new Random(20200802L);
        float[] logits = gaussian(rnd, BATCH * CLASSES, 1.5);
        long[] hard = new long[BATCH];
        for (int i = 0; i < BATCH; i++) hard[i] = rnd.nextInt(CLASSES);
        float[] soft = softmax(gaussian(rnd, BATCH * CLASSES, 1.0), CLASSES);
        float[] logSoftmax = logSoftmax(logits, CLASSES);
        HostTensor x = HostTensor.of(logits, BATCH, CLASSES);
        HostTensor y = HostTensor.of(hard, BATCH);
        HostTensor p = HostTensor.of(soft, BATCH, CLASSES);
        HostTensor logQ = HostTensor.of(logSoftmax, BATCH, CLASSES);

        double ceHard = value("cross entropy, hard labels", "cross_entropy", Map.of(), "input", x, "target", y);
        double ceSoft = value("cross entropy, soft labels", "cross_entropy", Map.of(), "input", x, "target", p);
        double nll = value("nll_loss(log_softmax(x))", "nll_loss", Map.of(), "input", logQ, "target", y);
        identity("NLL of log-softmax = cross entropy", nll, ceHard);
        value("KL divergence (mean)", "kl_div", Map.of(), "input", logQ, "target", p);

        double[] cePerSample = values("cross entropy per sample", "cross_entropy", Map.of("reduction", "none"), "input", x, "target", p);
        double[] entropy = values("entropy of the soft labels", "entropy", Map.of(), "probs", p);
        double[] klPointwise = values("KL divergence pointwise", "kl_div", Map.of("reduction", "none"), "input", logQ, "target", p);
        if (cePerSample != null && entropy != null && klPointwise != null) {
            double worst = 0;
            for (int n = 0; n < BATCH; n++) {
                double kl = 0;
                for (int c = 0; c < CLASSES; c++) kl += klPointwise[n * CLASSES + c];
                worst = Math.max(worst, Math.abs(cePerSample[n] - (entropy[n] + kl)) / (1e-5 / 1e-4 + Math.abs(cePerSample[n])));
            }
            identityRatio("per-sample cross entropy = entropy + KL", worst);
        }
        if (ceSoft > 0) identity("soft-label cross entropy = mean(entropy + KL)", ceSoft, meanOfSums(entropy, klPointwise));

        float[] z = gaussian(rnd, BATCH, 2.0);
        float[] prob1 = new float[BATCH];
        float[] twoClassLog = new float[BATCH * 2];
        float[] target01 = new float[BATCH];
        long[] target01Idx = new long[BATCH];
        for (int i = 0; i < BATCH; i++) {
            prob1[i] = (float) (1 / (1 + Math.exp(-z[i])));
            twoClassLog[2 * i] = (float) Math.log(1 - prob1[i]);
            twoClassLog[2 * i + 1] = (float) Math.log(prob1[i]);
            target01Idx[i] = rnd.nextInt(2);
            target01[i] = target01Idx[i];
        }
        double bce = value("binary cross entropy", "binary_cross_entropy", Map.of(),
                "input", HostTensor.of(prob1, BATCH), "target", HostTensor.of(target01, BATCH));
        double nll2 = value("two-class NLL", "nll_loss", Map.of(),
                "input", HostTensor.of(twoClassLog, BATCH, 2), "target", HostTensor.of(target01Idx, BATCH));
        identity("BCE = two-class NLL", bce, nll2);

        float[] sweep = new float[2000];
        float[] sigmoidSweep = new float[2000];
        float[] ones = new float[2000];
        for (int i = 0; i < sweep.length; i++) {
            sweep[i] = (float) (-10 + 20.0 * i / 1999);
            sigmoidSweep[i] = (float) (1 / (1 + Math.exp(-sweep[i])));
            ones[i] = 1;
        }
        double bceSweep = value("BCE(sigmoid(x), 1), x in [-10, 10]", "binary_cross_entropy", Map.of(),
                "input", HostTensor.of(sigmoidSweep, 2000), "target", HostTensor.of(ones, 2000));
        double logitsSweep = value("BCE with logits, same x", "binary_cross_entropy_with_logits", Map.of(),
                "input", HostTensor.of(sweep, 2000), "target", HostTensor.of(ones, 2000));
        identity("BCE(sigmoid(x)) = BCE with logits(x)", bceSweep, logitsSweep);

        float[] v1 = gaussian(rnd, 2 * 512, 1.0), v2 = gaussian(rnd, 2 * 512, 1.0);
        value("cosine embedding loss", "cosine_embedding_loss", Map.of(),
                "input1", HostTensor.of(v1, 2, 512), "input2", HostTensor.of(v2, 2, 512), "target", HostTensor.of(new float[] {1, -1}, 2));
        value("L1 loss", "l1_loss", Map.of(), "input", x, "target", p);
        value("MSE loss", "mse_loss", Map.of(), "input", x, "target", p);
    }

    private static double meanOfSums(double[] entropy, double[] kl) {
        if (entropy == null || kl == null) return Double.NaN;
        double s = 0;
        for (int n = 0; n < BATCH; n++) {
            s += entropy[n];
            for (int c = 0; c < CLASSES; c++) s += kl[n * CLASSES + c];
        }
        return s / BATCH;
    }

    /** Computes a scalar loss on both backends, records the row, returns the engine's value (NaN if unavailable). */
    private double value(String label, String loss, Map<String, Object> options, Object... inputs) {
        double[] v = values(label, loss, options, inputs);
        return v == null ? Double.NaN : v[0];
    }

    private double[] values(String label, String loss, Map<String, Object> options, Object... inputs) {
        LossEntry<?> entry = LossRegistry.byName(loss);
        if (entry == null) {
            row(label, "-", "-", "NOT BUILT");
            allOk = false;
            return null;
        }
        Loss l = entry.parse(Options.of(loss, new LinkedHashMap<>(options)));
        LossInputs in = LossInputs.of(inputs);
        double[] got = engine.compute(l, in).output().toHost().toDoubleArray();
        double[] want = reference.compute(l, in).output().toHost().toDoubleArray();
        boolean ok = got.length == want.length;
        for (int i = 0; ok && i < got.length; i++) ok = close(got[i], want[i]);
        row(label, format(got), format(want), ok ? "OK" : "MISMATCH");
        allOk &= ok;
        return got;
    }

    private void identity(String label, double lhs, double rhs) {
        boolean ok = close(lhs, rhs);
        row(label, format(new double[] {lhs}), format(new double[] {rhs}), ok ? "OK" : "MISMATCH");
        allOk &= ok;
    }

    private void identityRatio(String label, double worstRelative) {
        boolean ok = worstRelative <= 1e-4;
        row(label, "max rel. diff " + String.format("%.1e", worstRelative), "", ok ? "OK" : "MISMATCH");
        allOk &= ok;
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-5 + 1e-4 * Math.abs(b);
    }

    private void row(String label, String got, String want, String status) { rows.add(new String[] {label, got, want, status}); }

    private int report() {
        out.println("losscl demo: classification losses and their identities (batch " + BATCH + ", " + CLASSES + " classes)");
        out.println("backend: " + engine.backendName() + "   (checked against: " + reference.backendName() + ")");
        out.println();
        String fmt = "%-44s %-24s %-24s %s%n";
        out.printf(fmt, "value / identity", engine.backendName().startsWith("java") ? "java" : "backend", "reference / rhs", "check");
        out.printf(fmt, "-".repeat(44), "-".repeat(24), "-".repeat(24), "-----");
        for (String[] r : rows) out.printf(fmt, r[0], r[1], r[2], r[3]);
        out.println();
        out.println(allOk ? "all OK" : "MISMATCH: see the rows above");
        return allOk ? 0 : 1;
    }

    private static String format(double[] v) {
        if (v.length == 1) return String.format("%.7g", v[0]);
        return String.format("[%.5g, %.5g, ...] (%d)", v[0], v[1], v.length);
    }

    private static float[] gaussian(Random rnd, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * scale);
        return v;
    }

    private static float[] softmax(float[] x, int c) {
        float[] out = new float[x.length];
        float[] ls = logSoftmax(x, c);
        for (int i = 0; i < x.length; i++) out[i] = (float) Math.exp(ls[i]);
        return out;
    }

    private static float[] logSoftmax(float[] x, int c) {
        float[] out = new float[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int k = 0; k < c; k++) max = Math.max(max, x[r * c + k]);
            for (int k = 0; k < c; k++) sum += Math.exp(x[r * c + k] - max);
            double lse = max + Math.log(sum);
            for (int k = 0; k < c; k++) out[r * c + k] = (float) (x[r * c + k] - lse);
        }
        return out;
    }
}
