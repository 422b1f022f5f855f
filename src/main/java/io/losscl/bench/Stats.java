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

    /**
     * Times {@code body} {@code repeats} times after untimed warm-up calls: at least {@code warmup} of them and
     * {@link #MIN_WARMUP_NANOS}, then on until {@link #WARM_CALLS} calls or {@link #MAX_WARMUP_NANOS}. The JVM
     * compiles a call's host path fully (C2) only after some thousands of runs: a 0.2 ms ctc_loss call measured
     * 0.30 ms after 1000 warm-up calls, 0.26 after 3000 and 0.20-0.21 from 6000 on. Calls of a millisecond or
     * more reach the time limit first; their host path is a small part of them. {@code warmup} 0: no warm-up.
     */
    static final long MIN_WARMUP_NANOS = 300_000_000L;
    static final long MAX_WARMUP_NANOS = 2_000_000_000L;
    static final int WARM_CALLS = 6000;

    /** The warm-up rule of {@link #time} in words, for the tables' headers. */
    static String warmupRule(int warmup) {
        return warmup == 0 ? "no warm-up"
                : String.format(java.util.Locale.ROOT, "%d warm-up calls and %.1f s at least, then until %d calls or %.0f s", warmup,
                        MIN_WARMUP_NANOS / 1e9, WARM_CALLS, MAX_WARMUP_NANOS / 1e9);
    }

    static Stats time(int warmup, int repeats, Runnable body) {
        long start = System.nanoTime();
        for (int k = 0; ; k++) {
            long elapsed = System.nanoTime() - start;
            if (warmup == 0 || k >= warmup && elapsed >= MIN_WARMUP_NANOS && (k >= WARM_CALLS || elapsed >= MAX_WARMUP_NANOS)) break;
            body.run();
        }
        double[] ms = new double[repeats];
        for (int k = 0; k < repeats; k++) {
            long t0 = System.nanoTime();
            body.run();
            ms[k] = (System.nanoTime() - t0) / 1e6;
        }
        return new Stats(ms);
    }
}
