package io.losscl;

/** IEEE 754 binary16 conversions, rounding to nearest even as OpenCL's {@code vstore_half_rte}. */
public final class Half {
    private Half() {}

    /** Converts binary16 bits to a double (exact). */
    public static double toDouble(short h) {
        int bits = h & 0xffff;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        double v;
        if (exp == 0) {
            v = mant * 0x1p-24;
        } else if (exp == 0x1f) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            v = (1024 + mant) * Math.scalb(1.0, exp - 25);
        }
        return (bits >>> 15) == 0 ? v : -v;
    }

    /** Rounds a double to binary16 bits, to nearest even; overflow gives infinity. */
    public static short fromDouble(double v) {
        if (Double.isNaN(v)) return (short) 0x7e00;
        int sign = (Double.doubleToRawLongBits(v) < 0) ? 0x8000 : 0;
        double a = Math.abs(v);
        if (a >= 65520.0) return (short) (sign | 0x7c00);
        if (a < 0x1p-14) {                                   // subnormals: multiples of 2^-24
            return (short) (sign | (int) Math.rint(a * 0x1p24));
        }
        int e = Math.getExponent(a);                         // -14 .. 15
        int m = (int) Math.rint(Math.scalb(a, 10 - e));      // 1024 .. 2048, ties to even
        if (m == 2048) { m = 1024; e++; }
        if (e > 15) return (short) (sign | 0x7c00);
        return (short) (sign | ((e + 15) << 10) | (m - 1024));
    }
}
