package io.losscl.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Generated tensor data for large test fixtures ({@code tools/golden/README.md}):
 * {@code "generate": {"splitmix64": SEED, "low": A, "high": B}} gives element i =
 * float32(A + (B - A) * (splitmix64(SEED + i) >>> 40) / 2^24); with {@code int_low}/{@code int_high}
 * it gives int_low + (splitmix64(SEED + i) >>> 11) mod (int_high - int_low).
 */
final class Splitmix {
    private Splitmix() {}

    static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static double[] generate(String what, JsonNode gen, int n) {
        if (!gen.has("splitmix64")) throw new TensorJson.MalformedException(what + ": generate needs splitmix64");
        long seed = gen.get("splitmix64").asLong();
        double[] v = new double[n];
        if (gen.has("int_low")) {
            long lo = gen.get("int_low").asLong(), hi = gen.get("int_high").asLong();
            for (int i = 0; i < n; i++) v[i] = lo + Long.remainderUnsigned(mix(seed + i) >>> 11, hi - lo);
        } else {
            double lo = gen.get("low").asDouble(), hi = gen.get("high").asDouble();
            for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * ((mix(seed + i) >>> 40) / 16777216.0));
        }
        return v;
    }
}
