package io.losscl.cli;

import io.losscl.DType;

/**
 * The accuracy rule, in exactly one place, per output tensor (shared/spec/eval-protocol.md "Accuracy"): a
 * float32 result passes when every element is within {@code 1e-5 + 1e-4 |want|} of the float64 answer from
 * the same inputs (NaN matches only NaN, each infinity only itself). Where PyTorch's own float32 result
 * misses that bound or uses more than a quarter of it somewhere (an ill-conditioned case), the tensor passes
 * when its largest absolute error is at most twice PyTorch's plus 1e-7, with no NaN where neither the float64
 * answer nor PyTorch has one. {@link #checkTensor} applies it; {@link #check} is the element bound.
 */
public final class Tolerance {
    public static final double ABS = 1e-5;
    public static final double REL = 1e-4;

    private Tolerance() {}

    /**
     * Null when {@code got}, a result of {@code dtype}, passes against {@code want}, else why not. An
     * answer beyond the dtype's range must come back as the infinity it rounds to.
     */
    public static String check(double got, double want, DType dtype) {
        double rounded = dtype.round(want);
        if (Double.isInfinite(rounded) && Double.isFinite(want)) {
            return got == rounded ? null : "expected " + rounded + " (the answer " + want + " overflows " + dtype + ")";
        }
        return check(got, want);
    }

    /** Null when {@code got} passes against {@code want}, else why not. */
    public static String check(double got, double want) {
        if (Double.isNaN(want) || Double.isNaN(got)) return Double.isNaN(want) && Double.isNaN(got) ? null : "NaN mismatch";
        if (Double.isInfinite(want) || Double.isInfinite(got)) return got == want ? null : "infinity mismatch";
        double err = Math.abs(got - want);
        return err <= ABS + REL * Math.abs(want) ? null : "error " + err + " exceeds " + (ABS + REL * Math.abs(want));
    }

    /**
     * The per-tensor rule: null when {@code got} (a result of {@code dtype}) passes against the float64 answer
     * {@code want} and PyTorch's float32 result {@code torch32} ({@code null} when unknown: then the element
     * bound alone), else why not, naming up to five elements.
     */
    public static String checkTensor(double[] got, double[] want, double[] torch32, DType dtype) {
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < want.length; i++) {
            String why = check(got[i], want[i], dtype);
            if (why != null && failures++ < 5) report.append(String.format("%n  [%d] got %s want %s%s: %s", i, got[i], want[i],
                    torch32 == null ? "" : " (torch float32 " + torch32[i] + ")", why));
        }
        if (failures == 0) return null;
        String elementwise = failures + " of " + want.length + " elements outside 1e-5 + 1e-4 |want|" + report;
        if (torch32 == null || !illConditioned(want, torch32, dtype)) return elementwise;
        double ours = maxAbsError(got, want), theirs = maxAbsError(torch32, want);
        for (int i = 0; i < want.length; i++) {
            if (Double.isNaN(got[i]) && !Double.isNaN(want[i]) && !Double.isNaN(torch32[i])) {
                return elementwise + System.lineSeparator() + "  and NaN at [" + i + "] where neither the float64 answer nor PyTorch has one";
            }
        }
        return ours <= 2 * theirs + 1e-7 ? null
                : elementwise + String.format("%n  and max abs error %s exceeds 2 x PyTorch float32's %s + 1e-7 (ill-conditioned case)", ours, theirs);
    }

    /** Whether PyTorch's float32 result misses the element bound, or uses more than a quarter of it, somewhere. */
    static boolean illConditioned(double[] want, double[] torch32, DType dtype) {
        for (int i = 0; i < want.length; i++) {
            if (!Double.isFinite(want[i]) || !Double.isFinite(torch32[i])) {
                if (!(Double.compare(want[i], torch32[i]) == 0 || Double.isNaN(want[i]) && Double.isNaN(torch32[i]))) return true;
                continue;
            }
            if (Math.abs(torch32[i] - want[i]) > (ABS + REL * Math.abs(want[i])) / 4) return true;
        }
        return false;
    }

    /** The largest |got - want| over finite answers; an element that misses a non-finite answer counts as infinite. */
    static double maxAbsError(double[] got, double[] want) {
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            if (Double.isNaN(want[i]) || Double.isInfinite(want[i])) {
                if (Double.compare(got[i], want[i]) != 0 && !(Double.isNaN(got[i]) && Double.isNaN(want[i]))) max = Double.POSITIVE_INFINITY;
                continue;
            }
            double e = Math.abs(got[i] - want[i]);
            max = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(max, e);
        }
        return max;
    }

    /**
     * Half-precision results (float16, bfloat16 inputs: read as half, computed wide, rounded once to the
     * dtype) against the reference, which computes in double from the same half values and rounds once:
     * the two may differ by the last rounding only, so one ulp of the dtype — relative 2^-10 (float16) or
     * 2^-7 (bfloat16) of the answer — plus the dtype's smallest subnormal.
     */
    public static String checkHalf(double got, double want, DType dtype) {
        if (Double.isNaN(want) || Double.isNaN(got)) return Double.isNaN(want) && Double.isNaN(got) ? null : "NaN mismatch";
        if (Double.isInfinite(want) || Double.isInfinite(got)) return got == want ? null : "infinity mismatch";
        double rel = dtype == DType.FLOAT16 ? 0x1p-10 : dtype == DType.BFLOAT16 ? 0x1p-7 : REL;
        double abs = dtype == DType.FLOAT16 ? 0x1p-24 : dtype == DType.BFLOAT16 ? 0x1p-133 : ABS;
        double err = Math.abs(got - want);
        return err <= abs + rel * Math.abs(want) ? null : "error " + err + " exceeds one " + dtype + " ulp (" + (abs + rel * Math.abs(want)) + ")";
    }
}
