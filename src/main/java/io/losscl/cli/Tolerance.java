package io.losscl.cli;

import io.losscl.DType;

/**
 * The accuracy rule, in exactly one place: a float32 result passes when
 * {@code |got - want| <= 1e-5 + 1e-4 |want|} against the float64 answer (NaN matches only NaN, each
 * infinity only itself), and is never less accurate than PyTorch's own float32 result — up to one
 * float32 ulp of the answer, the cost of rounding a double-precision result to float32 at all.
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

    /** Null when {@code got} is at least as accurate as PyTorch's float32 {@code torch32} (within one ulp), else why not. */
    public static String noWorseThanTorch(double got, double want, double torch32) {
        if (!Double.isFinite(want) || !Double.isFinite(got) || !Double.isFinite(torch32)) return null;
        double ours = Math.abs(got - want);
        double theirs = Math.abs(torch32 - want);
        double slack = Math.ulp((float) want);
        return ours <= Math.max(theirs, slack) ? null
                : "less accurate than PyTorch float32: error " + ours + " vs PyTorch's " + theirs;
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
