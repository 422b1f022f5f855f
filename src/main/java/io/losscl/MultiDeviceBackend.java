package io.losscl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Several devices computing one call together ({@link LossEngine#onDevices}). A call's rows are cut into one
 * slice per device, in proportion to each device's measured speed (rows per second of its recent calls, all
 * equal at first), and the slices run concurrently, each on its own device, unreduced. Then:
 * <ul>
 *   <li>the loss: the slices' {@link LossPartial}s, merged exactly (the unreduced output, for {@code none},
 *       copied into place);</li>
 *   <li>the gradients: each slice's gradient of its unreduced losses, times the reduction's scale computed
 *       once for the whole batch ({@code 1 / denominator} for {@code mean} and {@code batchmean}, 1 otherwise),
 *       written straight into its rows of the caller's gradient tensor.</li>
 * </ul>
 * Since every row's loss and gradient are computed the same way whatever slice holds it, and the merge is
 * exact, results are bitwise the same for any split, any number of devices, one included.
 *
 * <p>A call that cannot be cut (device tensors, a loss without rows, half-precision results, a gradient of
 * an input without the batch dimension, an option with it) runs whole on the fastest device.
 */
final class MultiDeviceBackend implements Backend {
    private final List<Backend> devices;
    private final double[] rowsPerSecond;
    private final ExecutorService pool;
    /** Guards the speed estimates (not {@code this}: LossEngine holds this backend's monitor during a call). */
    private final Object speedLock = new Object();

    MultiDeviceBackend(List<? extends Backend> devices) {
        if (devices.isEmpty()) throw new IllegalArgumentException("no devices");
        this.devices = List.copyOf(devices);
        this.rowsPerSecond = new double[devices.size()];
        java.util.Arrays.fill(rowsPerSecond, 1.0);
        this.pool = Executors.newFixedThreadPool(devices.size(), r -> {
            Thread t = new Thread(r, "losscl-device");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() { return devices.stream().map(Backend::name).collect(Collectors.joining(" + ", "devices[", "]")); }

    /** The only device of a one-device backend (a reproducible engine's), else null. */
    Backend single() { return devices.size() == 1 ? devices.get(0) : null; }

    /** The devices' speed estimates, rows per second (for tests and logging). */
    double[] speeds() {
        synchronized (speedLock) {
            return rowsPerSecond.clone();
        }
    }

    /** Sets the speed estimates, which decide the next call's split (tests). */
    void speeds(double... rates) {
        synchronized (speedLock) {
            System.arraycopy(rates, 0, rowsPerSecond, 0, rowsPerSecond.length);
        }
    }

    /** Whether the speed estimates follow measurements (tests turn it off to fix a split). */
    private boolean measuring = true;

    void measuring(boolean on) {
        synchronized (speedLock) {
            measuring = on;
        }
    }

    @Override
    public <L extends Loss> LossResult compute(LossEntry<L> entry, L loss, LossInputs inputs, Set<String> grads) {
        List<LossInputs> slices = slices(loss, inputs, grads);
        if (slices == null) return fastest().compute(entry, loss, inputs, grads);
        Map<String, HostTensor> into = new LinkedHashMap<>();
        DType dtype = DType.resultOf(inputs);
        for (String g : grads) into.put(g, HostTensor.zeros(dtype, inputs.get(g).shape()));
        return computeSliced((ReducibleLoss) loss, inputs, slices, null, into);
    }

    @Override
    public <L extends Loss> LossResult computeInto(LossEntry<L> entry, L loss, LossInputs inputs,
                                                   HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        List<LossInputs> slices = slices(loss, inputs, gradsInto.keySet());
        if (slices == null) return fastest().computeInto(entry, loss, inputs, outputInto, gradsInto);
        return computeSliced((ReducibleLoss) loss, inputs, slices, outputInto, gradsInto);
    }

    /** The call as its slices, one per device, computed concurrently and gathered. */
    private LossResult computeSliced(ReducibleLoss reducible, LossInputs inputs, List<LossInputs> slices,
                                     HostTensor outputInto, Map<String, HostTensor> gradsInto) {
        ReducibleLoss unreduced = reducible.withReduction(Reduction.NONE);
        LossEntry<?> unreducedEntry = LossRegistry.entryFor(unreduced);
        double scale = 1.0;
        if (reducible.reduction() == Reduction.MEAN || reducible.reduction() == Reduction.BATCHMEAN) {
            ExactSum denominator = new ExactSum();
            reducible.addDenominator(inputs, denominator);
            scale = 1.0 / denominator.value();
        }
        final double gradScale = scale;
        List<Future<HostTensor>> parts = new ArrayList<>();
        long from = 0;
        for (int i = 0; i < slices.size(); i++) {
            LossInputs slice = slices.get(i);
            long rows = reducible.batchRows(slice), at = from;
            from += rows;
            if (rows == 0) {
                parts.add(null);
                continue;
            }
            int device = i;
            parts.add(pool.submit(() -> {
                long start = System.nanoTime();
                Map<String, HostTensor> grads = new LinkedHashMap<>();
                gradsInto.forEach((name, dst) -> grads.put(name, HostTensor.zeros(dst.dtype(), slice.get(name).shape())));
                HostTensor out = run(devices.get(device), unreducedEntry, unreduced, slice, grads).output().toHost();
                grads.forEach((name, g) -> scaleInto(g, gradsInto.get(name), at, gradScale));
                measured(device, rows, System.nanoTime() - start);
                return out;
            }));
        }
        List<HostTensor> outputs = new ArrayList<>();
        for (Future<HostTensor> f : parts) outputs.add(f == null ? null : await(f));
        HostTensor output = reducible.reduction() == Reduction.NONE
                ? concatenate(unreduced.validate(inputs), slices, outputs, reducible, outputInto)
                : reduce(reducible, slices, outputs, DType.resultOf(inputs), outputInto);
        return new LossResult(output, gradsInto, name());
    }

    /** The slices of this call, one per device, or null when it runs whole. */
    private List<LossInputs> slices(Loss loss, LossInputs inputs, Set<String> grads) {
        if (!(loss instanceof ReducibleLoss) || !inputs.allOnHost()) return null;
        DType dtype = DType.resultOf(inputs);
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) return null;
        ReducibleLoss r = (ReducibleLoss) loss;
        long rows = r.batchRows(inputs);
        if (!r.batched(inputs) || !r.splittable(inputs)) return null;
        long[] bounds = bounds(rows);
        List<LossInputs> slices = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            long a = bounds[i], b = bounds[i + 1];
            LossInputs slice = r.sliceRows(inputs, a, b);
            for (String g : grads) if (!rowsOf(inputs.get(g).shape(), slice.get(g).shape(), rows, b - a)) return null;
            slices.add(slice);
        }
        return slices;
    }

    /** Whether a slice of {@code n} rows of a tensor of shape {@code whole} ({@code rows} rows) is its rows {@code [a, a + n)}. */
    private static boolean rowsOf(Shape whole, Shape slice, long rows, long n) {
        if (whole.rank() == 0 || slice.rank() != whole.rank() || whole.dim(0) != rows || slice.dim(0) != n) return false;
        for (int d = 1; d < whole.rank(); d++) if (whole.dim(d) != slice.dim(d)) return false;
        return true;
    }

    /** Cut points of {@code rows} rows in proportion to the devices' speeds. */
    private long[] bounds(long rows) {
        double[] speeds = speeds();
        double total = 0;
        for (double s : speeds) total += s;
        long[] b = new long[devices.size() + 1];
        double cumulative = 0;
        for (int i = 0; i < devices.size(); i++) {
            cumulative += speeds[i];
            b[i + 1] = i == devices.size() - 1 ? rows : Math.min(rows, Math.round(rows * cumulative / total));
        }
        return b;
    }

    /** A new speed measurement of {@code device}: half the estimate, half the new rate. */
    private void measured(int device, long rows, long nanos) {
        double rate = rows / Math.max(nanos * 1e-9, 1e-6);
        synchronized (speedLock) {
            if (measuring) rowsPerSecond[device] = 0.5 * rowsPerSecond[device] + 0.5 * rate;
        }
    }

    private Backend fastest() {
        double[] speeds = speeds();
        int best = 0;
        for (int i = 1; i < speeds.length; i++) if (speeds[i] > speeds[best]) best = i;
        return devices.get(best);
    }

    private static <L extends Loss> LossResult run(Backend b, LossEntry<L> entry, Loss loss, LossInputs inputs, Map<String, HostTensor> grads) {
        return b.computeInto(entry, entry.type().cast(loss), inputs, null, grads);
    }

    /** {@code dst[offset rows...] = src * scale}, rounded once to the dtype ({@code scale == 1}: a copy). */
    private static void scaleInto(HostTensor src, HostTensor dst, long firstRow, double scale) {
        int n = Math.toIntExact(src.numel()), off = Math.toIntExact(firstRow * (dst.numel() / Math.max(1, dst.shape().dim(0))));
        if (src.dtype() == DType.FLOAT32) {
            float[] s = src.floatData(), d = dst.floatData();
            if (scale == 1.0) System.arraycopy(s, 0, d, off, n);
            else for (int i = 0; i < n; i++) d[off + i] = (float) (s[i] * scale);
        } else {
            double[] s = src.doubleData(), d = dst.doubleData();
            for (int i = 0; i < n; i++) d[off + i] = s[i] * scale;
        }
    }

    private static HostTensor reduce(ReducibleLoss loss, List<LossInputs> slices, List<HostTensor> outputs, DType dtype, HostTensor into) {
        LossPartial p = LossPartial.empty(loss);
        for (int i = 0; i < slices.size(); i++) {
            if (outputs.get(i) != null) p = p.merge(LossPartial.of(loss, slices.get(i), loss.batchRows(slices.get(i)), outputs.get(i)));
        }
        HostTensor value = HostTensor.fromDoubles(dtype, Shape.scalar(), new double[] {p.reduce()});
        if (into == null) return value;
        HostTensor.copy(value, into);
        return into;
    }

    private static HostTensor concatenate(Shape shape, List<LossInputs> slices, List<HostTensor> outputs, ReducibleLoss loss, HostTensor into) {
        HostTensor out = into != null ? into : HostTensor.zeros(outputs.stream().filter(o -> o != null).findFirst()
                .map(HostTensor::dtype).orElse(DType.FLOAT32), shape);
        long row = 0;
        for (int i = 0; i < slices.size(); i++) {
            if (outputs.get(i) != null) scaleInto(outputs.get(i), out, row, 1.0);
            row += loss.batchRows(slices.get(i));
        }
        return out;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("interrupted while waiting for a device", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) throw (RuntimeException) c;
            if (c instanceof Error) throw (Error) c;
            throw new DeviceException(c.toString(), c);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        RuntimeException first = null;
        for (Backend b : devices) {
            try {
                b.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
