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
    static Stats time(int warmup, int repeats, Runnable body) {
        for (int k = 0; k < warmup; k++) body.run();
        double[] ms = new double[repeats];
        for (int k = 0; k < repeats; k++) {
            long t0 = System.nanoTime();
            body.run();
            ms[k] = (System.nanoTime() - t0) / 1e6;
        }
        return new Stats(ms);
    }
}
