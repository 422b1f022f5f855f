package io.losscl.bench;

import io.losscl.opencl.DeviceBuffer;
import io.losscl.opencl.OpenClContext;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The machine's own limits, measured at the start of a bench run. */
final class Bandwidth {
    private Bandwidth() {}

    /**
     * STREAM-style read bandwidth of host memory in GB/s: {@code threads} threads each sum their half
     * of a 256 MiB long[] (integer sums, so the JIT vectorises them; no floating-point order to keep).
     * Median of {@code repeats} after warm-up.
     */
    static Stats hostRead(int threads, int repeats) {
        final int n = 32 << 20; // 32M longs = 256 MiB, far beyond any cache
        final long[] a = new long[n];
        for (int k = 0; k < n; k++) a[k] = k;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long[] sink = new long[1];
            Runnable pass = () -> {
                try {
                    Future<?>[] f = new Future<?>[threads];
                    for (int t = 0; t < threads; t++) {
                        final int lo = (int) ((long) n * t / threads), hi = (int) ((long) n * (t + 1) / threads);
                        f[t] = pool.submit(() -> sum(a, lo, hi));
                    }
                    for (Future<?> x : f) sink[0] += (Long) x.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            Stats ms = Stats.time(3, repeats, pass);
            return gbps(ms, (long) n * 8);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Four independent accumulators: the loop is bound by loads, not by one add chain. */
    private static long sum(long[] a, int lo, int hi) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = lo;
        for (; k + 4 <= hi; k += 4) {
            s0 += a[k];
            s1 += a[k + 1];
            s2 += a[k + 2];
            s3 += a[k + 3];
        }
        for (; k < hi; k++) s0 += a[k];
        return s0 + s1 + s2 + s3;
    }

    /** Copy-kernel bandwidth of the device in GB/s (bytes read + written), on 128 MiB float buffers. */
    static Stats deviceCopy(OpenClContext cl, int repeats) {
        final long n = 32L << 20;
        String options = cl.options(io.losscl.DType.FLOAT32);
        List<String> stems = List.of("bench_copy");
        try (DeviceBuffer a = cl.borrow(n * 4); DeviceBuffer b = cl.borrow(n * 4)) {
            long groups = cl.config().groupsFor(n);
            Runnable pass = () -> {
                cl.call(cl.kernel(stems, options, "bench_copy"), "bench_copy").mem(a).mem(b).ulong(n).launch(groups);
                cl.finish();
            };
            Stats ms = Stats.time(3, repeats, pass);
            return gbps(ms, 2 * n * 4);
        }
    }

    /** Turns times (ms) into bandwidths (GB/s) for {@code bytes} moved per pass; median of GB/s = GB/s of the median. */
    private static Stats gbps(Stats ms, long bytes) {
        double[] g = new double[ms.samples.length];
        for (int k = 0; k < g.length; k++) g[k] = bytes / (ms.samples[k] * 1e6);
        return new Stats(g);
    }
}
