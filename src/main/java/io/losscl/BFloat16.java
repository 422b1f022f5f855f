package io.losscl;

/** bfloat16 conversions: the upper 16 bits of a float32, rounded to nearest even. */
public final class BFloat16 {
    private BFloat16() {}

    /** Converts bfloat16 bits to a double. */
    public static double toDouble(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Rounds a double to bfloat16 bits (via float32), to nearest even; NaN stays NaN. */
    public static short fromDouble(double v) {
        float f = (float) v;
        if (Float.isNaN(f)) return (short) 0x7fc0;
        int bits = Float.floatToRawIntBits(f);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
