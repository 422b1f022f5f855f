package io.losscl.bench;

import java.util.Arrays;

/** Median and range of repeated timings, in milliseconds. */
final class Stats {
    final double median;
    final double min;
    final double max;
    final double[] samples;

    Stats(double[] ms) {
        samples = ms.clone();
        double[] s = ms.clone();
        Arrays.sort(s);
        int n = s.length;
        median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        min = s[0];
        max = s[n - 1];
    }

    /** The samples of both. */
    static Stats merge(Stats a, Stats b) {
        double[] all = java.util.Arrays.copyOf(a.samples, a.samples.length + b.samples.length);
        System.arraycopy(b.samples, 0, all, a.samples.length, b.samples.length);
        return new Stats(all);
    }

    /** Times {@code body} {@code repeats} times after {@code warmup} untimed calls. */
    /**
     * Warm-up lasts {@code warmup} calls and at least this long: the JVM compiles a call's host path only after
     * some thousands of runs, so a few warm-up calls leave sub-millisecond cases timing interpreted Java (a
     * 0.3 ms ctc_loss call measured 0.54 ms after 3 warm-up calls, 0.37 ms after 200).
     */
    static final long MIN_WARMUP_NANOS = 300_000_000L;

    static Stats time(int warmup, int repeats, Runnable body) {
        long start = System.nanoTime();
        for (int k = 0; k < warmup || System.nanoTime() - start < MIN_WARMUP_NANOS; k++) body.run();
        double[] ms = new double[repeats];
        for (int k = 0; k < repeats; k++) {
            long t0 = System.nanoTime();
            body.run();
            ms[k] = (System.nanoTime() - t0) / 1e6;
        }
        return new Stats(ms);
    }
}
