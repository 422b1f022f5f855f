package io.losscl.opencl;

import io.losscl.Backend;
import io.losscl.DType;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.loss.TripletLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Both triplet losses on the device ({@code triplet_loss.cl} over {@code rows.cl}): the row's sums,
 * the loss and the three gradients in one launch. Inputs of the full shape run directly; broadcast
 * inputs are expanded on the host and their gradients summed back on the host.
 *
 * @param <L> triplet_margin_loss or triplet_margin_with_distance_loss
 */
public final class TripletKernel<L extends TripletLoss> implements KernelLoss<L> {
    private static final List<String> STEMS = RowKernels.stems("triplet_loss");
    private static final String[] NAMES = {"anchor", "positive", "negative"};

    @Override
    public LossResult compute(OpenClContext cl, L loss, LossInputs inputs, Set<String> grads) {
        Shape full = loss.fullShape(inputs);
        Shape outShape = loss.validate(inputs);
        long d = full.rank() == 0 ? 1 : full.dim(-1);
        long rows = full.rank() == 0 ? 1 : full.dropTrailing(1).numel();
        DType dtype = loss.resultDtype(inputs);
        boolean direct = true;
        for (String n : NAMES) direct &= inputs.get(n).shape().equals(full) && inputs.get(n).dtype() == dtype;
        LossInputs run = inputs;
        // broadcast inputs: expanded on the host, in double where the device has it so that the
        // gradients summed back over the broadcast dimensions are rounded once
        DType kd = direct ? dtype : RowKernels.expandedDtype(cl, dtype);
        if (!direct) {
            run = LossInputs.of("anchor", RowKernels.materialize(inputs.get("anchor"), kd, full),
                    "positive", RowKernels.materialize(inputs.get("positive"), kd, full),
                    "negative", RowKernels.materialize(inputs.get("negative"), kd, full));
        }
        boolean reduce = loss.reduction() != Reduction.NONE;
        int gradMask = 0;
        for (int k = 0; k < 3; k++) if (grads.contains(NAMES[k])) gradMask |= 1 << k;
        double p = loss.p();
        int pmode = loss.distance() == TripletLoss.Distance.COSINE ? 2
                : p == 1 ? 1 : p == 2 ? 2 : p == 0 ? 0 : (Double.isInfinite(p) && p > 0) ? 4 : 3;
        boolean perItem = RowKernels.perItem(cl, rows, d, reduce);
        int flags = RowKernels.rowKey(perItem, reduce) | pmode << 2 | OpenClContext.flagBit(loss.distance() == TripletLoss.Distance.COSINE, 5)
                | OpenClContext.flagBit(loss.swap(), 6) | gradMask << 7;
        String options = cl.options(cl.options(kd), flags, k -> RowKernels.rowFlags(k) + " -DCOSINE=" + (k >> 5 & 1) + " -DPMODE=" + (k >> 2 & 7)
                + " -DSWAP=" + (k >> 6 & 1) + " -DGRAD_MASK=" + (k >> 7));
        long groups = RowKernels.groups(cl, rows, d, perItem);
        try (CallScope scope = new CallScope(cl, run)) {
            CallScope.Result out = scope.result(kd, outShape);
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            CallScope.Result[] g = new CallScope.Result[3];
            for (int k = 0; k < 3; k++) if ((gradMask & (1 << k)) != 0) g[k] = scope.result(kd, full);
            cl.call(cl.kernel(STEMS, options, "triplet_loss"), "triplet_loss", loss.name())
                    .mem(scope.input("anchor")).mem(scope.input("positive")).mem(scope.input("negative"))
                    .ulong(rows).ulong(d).real(loss.margin()).real(Double.isInfinite(p) ? 0 : p).real(loss.eps())
                    .real(RowKernels.gradScale(loss.reduction(), rows))
                    .mem(out.buffer()).mem(partials)
                    .mem(g[0] == null ? null : g[0].buffer()).mem(g[1] == null ? null : g[1].buffer())
                    .mem(g[2] == null ? null : g[2].buffer())
                    .sumArgs(RowKernels.outScale(loss.reduction(), rows))
                    .launch(groups);
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            if (direct) {
                for (int k = 0; k < 3; k++) if (g[k] != null) gradOut.put(NAMES[k], g[k]);
                return scope.finish(cl.backendName(), out, gradOut);
            }
            LossResult r = scope.finish(cl.backendName(), out, Map.of());
            Map<String, Tensor> hg = new LinkedHashMap<>();
            for (int k = 0; k < 3; k++) {
                if (g[k] != null) hg.put(NAMES[k], RowKernels.sumTo(cl.read(g[k].buffer(), kd, full), inputs.get(NAMES[k]).shape(), dtype));
            }
            return Backend.result(RowKernels.convert(r.output(), dtype), hg, r.backend());
        }
    }
}
