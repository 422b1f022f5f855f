package io.losscl.opencl;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.loss.CtcLoss;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host dispatch of ctc_loss ({@code kernels-cl/ctc_loss.cl}): one launch, one work-group per sequence,
 * runs the alpha recursion over all time steps and, when the gradient is wanted, the beta recursion and
 * the gradient of {@code log_probs}; a reduction is summed in the same launch (common.cl's FINISH_SUM). The
 * small integer inputs (lengths, targets) are checked and laid out on the host; {@code log_probs} may
 * be device-resident and is used in place.
 */
public final class CtcLossKernel implements KernelLoss<CtcLoss> {
    /** The shared part, then the work-group variant (GPUs) or the serial one (CPUs). */
    private static final List<String> GPU_STEMS = List.of("ctc_loss", "ctc_loss_gpu");
    private static final List<String> CPU_STEMS = List.of("ctc_loss", "ctc_loss_cpu");
    /** The serial variant computing in double: cpu_math16.cl's vector exp and log before it. */
    private static final List<String> CPU_DOUBLE_STEMS = List.of("cpu_math16", "ctc_loss", "ctc_loss_cpu");

    @Override
    public LossResult compute(OpenClContext cl, CtcLoss loss, LossInputs inputs, Set<String> grads) {
        CtcLoss.Batch b = loss.batch(inputs);
        Tensor lp = inputs.get("log_probs");
        DType dtype = lp.dtype();
        boolean wantGrad = grads.contains("log_probs");
        Reduction red = loss.reduction();
        boolean reduce = red != Reduction.NONE;
        int n = b.n;
        int m = b.targets.length;

        // The CPU profile runs one work-item per sequence without barriers (see ctc_loss.cl), the GPU profile a
        // work-group per sequence; LaunchConfig.ctcSerial forces one (tests run both on one device).
        boolean serial = cl.config().ctcSerial();
        // Per sequence: input length, target length, label start, alpha offset, scratch offset (beta
        // ring; in the serial variant also the exp row, the lp row and the class bins), in acc_t.
        // meta (5 per sequence) and tinfo (3 per label) in one array: one upload
        long[] meta = new long[Math.max(5 * n + 3 * m, 1)];
        long off = 0;
        for (int i = 0; i < n; i++) {
            long il = b.inputLengths[i], len = 2 * b.targetLengths[i] + 1;
            meta[5 * i] = il;
            meta[5 * i + 1] = b.targetLengths[i];
            meta[5 * i + 2] = b.starts[i];
            meta[5 * i + 3] = off;
            off += (wantGrad ? Math.max(il, 1) : 2) * len;
            meta[5 * i + 4] = off;
            if (wantGrad) off += 2 * len;
            if (serial) off += (len + 4) + len + (len + 2) + len + (wantGrad ? b.c : 0);
        }
        int ti = 5 * n;
        for (int i = 0; i < n && serial; i++) {
            int start = (int) b.starts[i], tl = (int) b.targetLengths[i];
            for (int k = 0; k < tl; k++) meta[ti + start + k] = b.targets[start + k];
        }
        for (int i = 0; i < n && !serial; i++) {
            int start = (int) b.starts[i], tl = (int) b.targetLengths[i];
            Map<Long, Integer> lastSeen = new HashMap<>();
            for (int k = 0; k < tl; k++) {
                long label = b.targets[start + k];
                meta[ti + start + k] = label;
                meta[ti + m + start + k] = -1;
                Integer prev = lastSeen.put(label, k);
                if (prev == null) meta[ti + 2 * m + start + k] = 1;
                else meta[ti + m + start + prev] = k; // chain: previous occurrence -> this one
            }
        }

        // Double wherever the device has it, under either precision: alpha and beta are log-space running sums
        // over up to T steps whose magnitude grows with t, so float rounding piles up ~sqrt(T) ulps of |alpha|
        // (relative errors of 1e-3 in the gradient at T = 1000). The recursion is latency-bound (a barrier per
        // time step), so slow fp64 on a GPU costs it little.
        String options = cl.options(cl.optionsPreferringDouble(dtype), OpenClContext.flagBit(wantGrad, 0) | OpenClContext.flagBit(reduce, 1),
                k -> " -DCTC_GRAD=" + (k & 1) + " -DREDUCE=" + (k >> 1 & 1));
        List<String> stems = !serial ? GPU_STEMS : cl.prefersDouble(dtype) ? CPU_DOUBLE_STEMS : CPU_STEMS;
        int mode = red == Reduction.NONE ? 0 : red == Reduction.SUM ? 1 : 2;
        Shape outShape = reduce || !b.batched ? Shape.scalar() : Shape.of(n);
        try (CallScope scope = new CallScope(cl, inputs)) {
            CallScope.Result out = scope.result(dtype, outShape);
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, n, 1)) : null;
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            CallScope.Result g = wantGrad ? scope.result(dtype, lp.shape()) : null;
            if (g != null) gradOut.put("log_probs", g);
            // mean: sum_n loss_n / max(tl_n, 1), times 1/N (NaN for an empty batch, as PyTorch)
            double scale = red == Reduction.MEAN ? 1.0 / n : 1.0;
            if (n > 0) {
                DeviceBuffer work = scope.temp(Math.max(off, 1) * cl.accBytes());
                KernelCall call = cl.call(cl.kernel(stems, options, "ctc_loss"), "ctc_loss")
                        .mem(scope.input("log_probs"))
                        .int32(b.t).int32(n).int32(b.c).int64(loss.blank())
                        .mem(scope.upload(HostTensor.of(meta, meta.length)))
                        .ulong(m)
                        .mem(work)
                        .int32(mode).int32(loss.zeroInfinity() ? 1 : 0)
                        .mem(out.buffer())
                        .mem(partials)
                        .mem(g == null ? null : g.buffer());
                if (reduce) call.sumArgs(scale);
                call.launch(n);
            } else if (reduce) {
                // no sequence: the sum of nothing (0), or the mean's 0 / 0 (NaN)
                Reducer.finish(cl, stems, options, partials, 0, 1, Reducer.Mode.SCALED_SUM, scale, out.buffer());
            }
            return scope.finish(cl.backendName(), out, gradOut);
        }
    }
}
