package io.losscl.opencl;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.loss.LinearCrossEntropyLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host dispatch of {@code linear_cross_entropy.cl}: the rows go through in chunks of {@link #chunkRows} rows,
 * each chunk's R x V logits computed (GEMM), turned into their gradient in place (one work-group per row), and
 * multiplied back into dX, dW and db (GEMMs and a column sum) before the next chunk reuses the buffer. The
 * device never holds more than one chunk of logits: extra device memory is R x V values of the GEMM type, the
 * per-row losses (N values), and for 16-bit tensors float accumulators of dW and db (V x H + V).
 *
 * <p>Chunk size: the chunk's logits take at most 1/32 of the N x V x 4 bytes all logits would take (with dW's
 * compensation buffer, at most 1/16 of them, the call's extra memory stays below 1/8 of the logits however large
 * N and V are) and at most 1/16 of the device's global memory, rounded down to a power of two of bytes (the
 * buffer pool's size classes) and to whole GEMM tiles of rows; never below one tile of rows ({@code GEMM_TM}),
 * and a problem whose logits fit in {@link #MIN_CHUNK_BYTES} is one chunk. {@link LaunchConfig#lceChunkRows()}
 * forces it (tests use it to run many chunks on small cases).
 *
 * <p>Targets are read on the host (a device-resident target is downloaded: N int64 values) to check them and
 * to compute the mean's denominators, the total class weight and the count of rows kept, before any kernel.
 *
 * <p>Every device-dependent choice is a {@code -D} parameter built in {@link #options}: the GEMM tile shape
 * follows the launch profile and work-group size ({@link #tile}: local-memory tiles on GPUs, register blocks streamed by
 * each work-item on CPUs), {@code GEMM_F64} the launch's precision ({@link #gemmF64}), the rest the loss's options.
 */
public final class LinearCrossEntropyKernel implements KernelLoss<LinearCrossEntropyLoss> {
    private static final List<String> STEMS = List.of("linear_cross_entropy");

    /** The GEMM tile of one work-group and the register block of one work-item; local: local-memory tiles. */
    static final class Tile {
        final boolean local;
        final int tm, tn, tk, wm, wn, wnv;

        Tile(boolean local, int tm, int tn, int tk, int wm, int wn, int wnv) {
            this.local = local;
            this.tm = tm;
            this.tn = tn;
            this.tk = tk;
            this.wm = wm;
            this.wn = wn;
            this.wnv = wnv;
        }

        /** Work-groups of a GEMM producing an m x n result. */
        long groups(OpenClContext cl, long m, long n) {
            if (local) return ((m + tm - 1) / tm) * ((n + tn - 1) / tn);
            long blocks = ((m + wm - 1) / wm) * ((n + 8L * wnv - 1) / (8L * wnv));
            return Math.max(1, Math.min((blocks + cl.config().workGroupSize() - 1) / cl.config().workGroupSize(),
                    (long) cl.device().computeUnits() * 64));
        }
    }

    /**
     * GPU profile: local-memory tiles for {@code wgs} work-items, which form a (wgs / tx) x tx grid (tx the larger
     * power-of-two factor), register blocks of 4 x 4, K steps of 16. CPU profile: no local memory or barriers
     * (a work-group runs as a loop on one core there); each work-item a 4 x 16 block of dX or dW or a 4 x 4 block
     * of logits, in 8-wide vectors.
     */
    static Tile tile(OpenClContext cl) {
        return tile(Integer.numberOfTrailingZeros(cl.config().workGroupSize()), !cl.config().cpu());
    }

    /** {@link #tile} by log2 of the work-group size and profile, built once (a call allocates none). */
    private static final Tile[] TILES = new Tile[2 * 32];

    private static Tile tile(int log2Wgs, boolean local) {
        int slot = log2Wgs * 2 + (local ? 1 : 0);
        Tile t = TILES[slot];
        if (t == null) {
            int threadsN = 1 << ((log2Wgs + 1) / 2);
            int threadsM = (1 << log2Wgs) / threadsN;
            int wm = 4, wn = 4, tk = 16, wnv = 2;
            TILES[slot] = t = new Tile(local, threadsM * wm, threadsN * wn, tk, wm, wn, wnv);
        }
        return t;
    }

    /**
     * Whether the GEMMs run in double for float32 and 16-bit tensors (float64 ones always do): under the
     * {@code DOUBLE} precision (on request; each result element is then rounded once from a double sum), not
     * under {@code FLOAT}, every device's default (GPUs: float math, 16-64x faster than their fp64).
     */
    static boolean gemmF64(OpenClContext cl) {
        return cl.config().precision() == LaunchConfig.Precision.DOUBLE;
    }

    /** Below this, a chunk's logits are not cut smaller: a problem this small is one chunk (one GEMM launch each). */
    static final long MIN_CHUNK_BYTES = 4L << 20;

    /**
     * Whether dW and db of float32 or 16-bit tensors keep a compensation (the low float of a float pair) across
     * chunks: where the GEMMs run in double and there is more than one chunk, and the V x H floats it takes are at
     * most 1/16 of the N x V x 4 bytes of the logits (so with a chunk of at most 1/32 of them the call's extra memory
     * stays below 1/8 of the logits). Then each dW element is rounded to float32 once, as from one double sum.
     */
    static boolean compensated(OpenClContext cl, DType dtype, long n, long v, long h, long chunk) {
        return gemmF64(cl) && dtype != DType.FLOAT64 && chunk < n && v * h * 4 <= n * v * 4 / 16;
    }

    /** Rows per chunk (see the class comment). */
    static long chunkRows(OpenClContext cl, long n, long v, int zBytes, Tile tile) {
        long forced = cl.config().lceChunkRows();
        if (forced > 0) return Math.max(1, Math.min(forced, n));
        long logits = n * v * 4;
        long budget = Math.min(Math.max(MIN_CHUNK_BYTES, Long.highestOneBit(Math.max(1, logits / 32))),
                Long.highestOneBit(Math.max(1, cl.device().globalMemBytes() / 16)));
        long rows = budget / Math.max(1, v * zBytes);
        rows = rows / tile.tm * tile.tm;
        return Math.max(1, Math.min(n, Math.max(rows, tile.tm)));
    }

    /**
     * The build options of one call: common.cl's, the GEMM tile, and the row pass's switches, built once per
     * context and key (bits 0-3 the loss's switches, 4 GEMM_F64, 5 the local-memory tile, 6-10 log2 of the
     * work-group size, from which {@link #tile} follows).
     */
    static String options(OpenClContext cl, DType dtype, LinearCrossEntropyLoss loss, boolean grad) {
        int key = OpenClContext.flagBit(grad, 0) | OpenClContext.flagBit(loss.reduction() != Reduction.NONE, 1)
                | OpenClContext.flagBit(loss.softcap() != null, 2) | OpenClContext.flagBit(loss.zLoss() > 0, 3)
                | OpenClContext.flagBit(gemmF64(cl), 4) | OpenClContext.flagBit(!cl.config().cpu(), 5)
                | Integer.numberOfTrailingZeros(cl.config().workGroupSize()) << 6;
        return cl.options(cl.options(dtype), key, k -> {
            Tile t = tile(k >> 6, (k >> 5 & 1) == 1);
            return " -DGEMM_F64=" + (k >> 4 & 1) + " -DGEMM_LOCAL=" + (t.local ? 1 : 0)
                    + " -DGEMM_WNV=" + t.wnv + " -DGEMM_TM=" + t.tm + " -DGEMM_TN=" + t.tn + " -DGEMM_TK=" + t.tk
                    + " -DGEMM_WM=" + t.wm + " -DGEMM_WN=" + t.wn + " -DSOFTCAP=" + (k >> 2 & 1) + " -DZLOSS=" + (k >> 3 & 1)
                    + " -DGRAD=" + (k & 1) + " -DREDUCE=" + (k >> 1 & 1);
        });
    }

    @Override
    public LossResult compute(OpenClContext cl, LinearCrossEntropyLoss loss, LossInputs inputs, Set<String> grads) {
        Tensor x = inputs.get("input"), w = inputs.get("linear_weight"), bias = inputs.get("linear_bias");
        Tensor target = inputs.get("target");
        long n = LinearCrossEntropyLoss.rows(x), h = LinearCrossEntropyLoss.hidden(x), v = w.shape().dim(0);
        DType dtype = DType.resultOf(inputs);
        boolean gradX = grads.contains("input"), gradW = grads.contains("linear_weight"), gradB = grads.contains("linear_bias");
        boolean grad = gradX || gradW || gradB;
        boolean reduce = loss.reduction() != Reduction.NONE;

        // Targets on the host: checked (device ones too) and the mean's denominators.
        HostTensor t = target.toHost();
        if (!(target instanceof HostTensor)) loss.checkTargets(t, v);
        long[] tv = t.longData();
        double wTotal = 0, wAll = 0;
        long kept = 0;
        for (long ti : tv) {
            if (ti == loss.ignoreIndex()) continue;
            kept++;
            wTotal += loss.weight() == null ? 1 : loss.weight().getDouble((int) ti);
        }
        for (int c = 0; c < v; c++) wAll += loss.weight() == null ? 1 : loss.weight().getDouble(c);
        boolean mean = loss.reduction() == Reduction.MEAN;
        double ceScale = mean ? 1 / wTotal : 1, zScale = mean ? 1.0 / kept : 1;
        double eps = loss.labelSmoothing() > 0 ? loss.labelSmoothing() : 0; // PyTorch smooths only for a positive value

        Tile tile = tile(cl);
        boolean f64 = dtype == DType.FLOAT64;
        int zBytes = f64 || gemmF64(cl) ? 8 : 4;
        int gaccBytes = f64 ? 8 : 4;
        boolean gemmTypeIsDtype = f64 || dtype == DType.FLOAT32; // else dW, db accumulate in float, then lce_store
        String options = options(cl, dtype, loss, grad);
        long chunk = chunkRows(cl, n, v, zBytes, tile);

        try (CallScope scope = new CallScope(cl, inputs)) {
            CallScope.Result out = scope.result(dtype, reduce ? Shape.scalar() : target.shape());
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            CallScope.Result gx = null, gw = null, gb = null;
            if (gradX) gradOut.put("input", gx = scope.result(dtype, x.shape()));
            if (gradW) gradOut.put("linear_weight", gw = scope.result(dtype, w.shape()));
            if (gradB) gradOut.put("linear_bias", gb = scope.result(dtype, bias.shape()));
            DeviceBuffer dwAcc = gw == null ? null : gemmTypeIsDtype ? gw.buffer() : scope.temp(v * h * gaccBytes);
            DeviceBuffer dbAcc = gb == null ? null : gemmTypeIsDtype ? gb.buffer() : scope.temp(v * gaccBytes);
            boolean comp = compensated(cl, dtype, n, v, h, chunk);
            DeviceBuffer dwLo = gradW && comp ? scope.temp(v * h * 4) : null, dbLo = gradB && comp ? scope.temp(v * 4) : null;
            DeviceBuffer weight = loss.weight() == null ? null : scope.upload(HostTensor.fromDoubles(dtype, loss.weight().shape(), loss.weight().toDoubleArray()));
            DeviceBuffer rowLoss = reduce ? scope.temp(Math.max(1, n) * cl.accBytes()) : null;
            DeviceBuffer z = n > 0 ? scope.temp(chunk * v * zBytes) : null;
            DeviceBuffer xb = scope.input("input"), wb = scope.input("linear_weight"), bb = scope.input("linear_bias"), tb = scope.input("target");

            for (long r0 = 0; r0 < n; r0 += chunk) {
                long rows = Math.min(chunk, n - r0);
                gemm(cl, options, "lce_gemm_logits", tile, xb, r0 * h, h, 1, wb, 0, 1, h, z, null, 0, v, rows, v, h, false);
                cl.call(cl.kernel(STEMS, options, "lce_rows"), "lce_rows")
                        .mem(z).mem(bb).mem(tb).mem(weight).ulong(v).ulong(r0).int64(loss.ignoreIndex())
                        .real(eps).real(wAll).real(loss.softcap() == null ? 1 : loss.softcap()).real(loss.zLoss())
                        .real(ceScale).real(zScale).mem(reduce ? null : out.buffer()).mem(rowLoss)
                        .launch(rows);
                if (gradX) gemm(cl, options, "lce_gemm_dx", tile, z, 0, v, 1, wb, 0, h, 1, gx.buffer(), null, r0 * h, h, rows, h, v, false);
                if (gradW) gemm(cl, options, "lce_gemm_dw", tile, z, 0, 1, v, xb, r0 * h, h, 1, dwAcc, dwLo, 0, h, v, h, rows, r0 > 0);
                if (gradB) {
                    cl.call(cl.kernel(STEMS, options, "lce_bias_grad"), "lce_bias_grad")
                            .mem(z).ulong(rows).ulong(v).mem(dbAcc).mem(dbLo).int32(r0 > 0 ? 1 : 0)
                            .launch(cl.config().groupsFor(v));
                }
            }
            if (n == 0) { // no chunk ran: the gradients of W and b are zero
                if (gradW) cl.write(dwAcc, HostTensor.zeros(f64 ? DType.FLOAT64 : DType.FLOAT32, Shape.of(v * h)));
                if (gradB) cl.write(dbAcc, HostTensor.zeros(f64 ? DType.FLOAT64 : DType.FLOAT32, Shape.of(v)));
            }
            if (!gemmTypeIsDtype) {
                if (gradW) store(cl, options, dwAcc, dwLo, v * h, gw.buffer());
                if (gradB) store(cl, options, dbAcc, dbLo, v, gb.buffer());
            }
            if (reduce) {
                // mean: the rows' losses are already divided by the total weight; 0/0 (nothing kept) is PyTorch's NaN.
                double outScale = mean && wTotal == 0 ? Double.NaN : 1;
                if (n == 0) cl.write(out.buffer(), HostTensor.fromDoubles(dtype, Shape.scalar(), new double[] {0 * outScale}));
                else Reducer.finish(cl, STEMS, options, rowLoss, n, 1, Reducer.Mode.SCALED_SUM, outScale, out.buffer());
            }
            return scope.finish(cl.backendName(), out, gradOut);
        }
    }

    /** C (+)= A B over M x N x K (see DEFINE_GEMM in the kernel): one work-group per TM x TN tile of C. */
    private static void gemm(OpenClContext cl, String options, String kernel, Tile t,
                             DeviceBuffer a, long aOff, long sam, long sak, DeviceBuffer b, long bOff, long sbk, long sbn,
                             DeviceBuffer c, DeviceBuffer cLo, long cOff, long ldc, long m, long n, long k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        long groups = t.groups(cl, m, n);
        cl.call(cl.kernel(STEMS, options, kernel), kernel)
                .mem(a).ulong(aOff).ulong(sam).ulong(sak).mem(b).ulong(bOff).ulong(sbk).ulong(sbn)
                .mem(c).mem(cLo).ulong(cOff).ulong(ldc).ulong(m).ulong(n).ulong(k).int32(accumulate ? 1 : 0)
                .launch(groups);
    }

    private static void store(OpenClContext cl, String options, DeviceBuffer acc, DeviceBuffer lo, long count, DeviceBuffer out) {
        if (count == 0) return;
        cl.call(cl.kernel(STEMS, options, "lce_store"), "lce_store").mem(acc).mem(lo).ulong(count).mem(out).launch(cl.config().groupsFor(count));
    }
}
