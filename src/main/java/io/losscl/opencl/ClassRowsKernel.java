package io.losscl.opencl;

import io.losscl.Backend;
import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import io.losscl.loss.ClassRows;
import io.losscl.loss.ClassTargets;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.loss.Entropy;
import io.losscl.loss.NllLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host dispatch of the row losses in {@code cross_entropy.cl}: cross_entropy, nll_loss and entropy. One
 * launch of {@code class_rows} computes every row's loss (stored, or summed per work-group) and the
 * gradients; a weighted mean first runs {@code class_weight_total} (the denominator, left on the device);
 * a reduction ends in the same launch (the last work-group sums the partials: common.cl's FINISH_SUM). On GPUs rows of at least {@link LaunchConfig#wideRowClasses()} classes
 * get a work-group each, narrower rows a work-item each; on CPUs every row gets a work-item (which streams it
 * with explicit vectors) unless the rows are too few to give every core a work-group, when a work-group per row
 * splits it in contiguous chunks. cross_entropy's wide rows too few to fill the device are also split across
 * several work-groups ({@code class_slices_lse} + {@code class_slices_rows}; {@link LaunchConfig#rowSlices()}
 * forces the slice count, for tests). Targets or entropy inputs that live
 * on the device are checked by the kernel (an error flag read after the launch). {@link #computeInPlace} writes
 * the gradient over the logits.
 *
 * @param <L> the loss
 */
public final class ClassRowsKernel<L extends Loss> implements KernelLoss<L>, InPlaceGradient<L> {
    /** cross_entropy.cl with its row scans: the shared ones, or the CPU's 16-wide ones (with the CPU exp of its precision). */
    private static final List<String> STEMS = List.of("cross_entropy", "cross_entropy_rows");
    private static final List<String> CPU_STEMS = List.of("cpu_math16_float", "cross_entropy", "cross_entropy_rows_cpu");
    private static final List<String> CPU_DOUBLE_STEMS = List.of("cpu_math16", "cross_entropy", "cross_entropy_rows_cpu");
    /** Rows up to which every work-group of class_rows sums the weighted mean's denominator itself. */
    static final long WEIGHT_TOTAL_IN_GROUP_ROWS = 16384;

    private enum Mode { CE_INDEX, CE_PROB, NLL, ENTROPY_LOGITS, ENTROPY_PROBS }

    private ClassRowsKernel() {}

    /** cross_entropy with class indices or class probabilities. */
    public static ClassRowsKernel<CrossEntropyLoss> crossEntropy() { return new ClassRowsKernel<>(); }

    /** nll_loss. */
    public static ClassRowsKernel<NllLoss> nll() { return new ClassRowsKernel<>(); }

    /** entropy of probs or logits. */
    public static ClassRowsKernel<Entropy> entropy() { return new ClassRowsKernel<>(); }

    @Override
    public LossResult compute(OpenClContext cl, L loss, LossInputs inputs, Set<String> grads) {
        return compute(cl, loss, inputs, grads, false);
    }

    /**
     * cross_entropy (class indices or probabilities) and nll_loss write d loss / d input over the input's own
     * buffer: each row's kernel reads the row (and the target's logit) before any of its gradient is written,
     * and a row is owned by one work-item or one work-group.
     */
    @Override
    public LossResult computeInPlace(OpenClContext cl, L loss, LossInputs inputs, String name) {
        if (!(loss instanceof CrossEntropyLoss || loss instanceof NllLoss)) {
            throw new io.losscl.UnsupportedFeatureException(loss.name() + ": an in-place gradient is implemented for cross_entropy and nll_loss only");
        }
        if (!name.equals("input")) {
            throw new io.losscl.UnsupportedFeatureException(loss.name() + ": only the gradient of 'input' can be written in place, not of '" + name + "'");
        }
        if (!(inputs.get(name) instanceof DeviceTensor)) {
            throw new io.losscl.UnsupportedFeatureException(loss.name() + ": an in-place gradient needs 'input' to be a device tensor");
        }
        DeviceTensor x = (DeviceTensor) inputs.get(name);
        if (x.dtype() != DType.resultOf(inputs)) {
            throw new io.losscl.UnsupportedFeatureException(loss.name() + ": an in-place gradient needs the result dtype " + DType.resultOf(inputs)
                    + " for 'input', which is " + x.dtype());
        }
        return compute(cl, loss, inputs, Set.of(name), true);
    }

    private LossResult compute(OpenClContext cl, L loss, LossInputs inputs, Set<String> grads, boolean inPlace) {
        // What each loss asks of class_rows.
        Mode mode;
        String xName = "input";
        HostTensor weight = null;
        long ignoreIndex = -100;
        double eps = 0;
        Reduction reduction;
        if (loss instanceof CrossEntropyLoss) {
            CrossEntropyLoss ce = (CrossEntropyLoss) loss;
            mode = CrossEntropyLoss.probabilityTargets(inputs.get("input"), inputs.get("target")) ? Mode.CE_PROB : Mode.CE_INDEX;
            weight = ce.weight();
            ignoreIndex = ce.ignoreIndex();
            eps = ce.labelSmoothing() > 0 ? ce.labelSmoothing() : 0; // PyTorch smooths only for a positive value
            reduction = ce.reduction();
        } else if (loss instanceof NllLoss) {
            NllLoss nll = (NllLoss) loss;
            mode = Mode.NLL;
            weight = nll.weight();
            ignoreIndex = nll.ignoreIndex();
            reduction = nll.reduction();
        } else {
            Entropy ent = (Entropy) loss;
            boolean logits = ent.parameterizationOf(inputs) == Entropy.Parameterization.LOGITS;
            mode = logits ? Mode.ENTROPY_LOGITS : Mode.ENTROPY_PROBS;
            xName = logits ? "logits" : "probs";
            reduction = ent.reduction();
        }
        if (mode == Mode.CE_PROB && inputs.get("input").dtype() != inputs.get("target").dtype()) {
            throw new io.losscl.UnsupportedFeatureException(loss.name() + ": input " + inputs.get("input").dtype() + " with target "
                    + inputs.get("target").dtype() + " (mixed dtypes) is not implemented on OpenCL; use one dtype or the Java backend");
        }
        boolean entropy = mode == Mode.ENTROPY_LOGITS || mode == Mode.ENTROPY_PROBS;
        boolean indexTargets = mode == Mode.CE_INDEX || mode == Mode.NLL;
        Tensor x = inputs.get(xName);
        Shape xShape = x.shape();
        ClassRows rows = entropy ? ClassRows.lastDim(xShape) : ClassRows.classDim1(xShape);
        long n = rows.rows(), c = rows.classes();
        DType dtype = loss.resultDtype(inputs);
        boolean reduce = reduction != Reduction.NONE;
        boolean gradX = grads.contains(xName), gradT = mode == Mode.CE_PROB && grads.contains("target");
        boolean weightedMean = indexTargets && reduction == Reduction.MEAN;
        // Means over rows divide by the row count (NaN for none); weighted means divide on the device.
        double rowMean = n == 0 ? Double.NaN : 1.0 / n;
        double gscale = reduction == Reduction.MEAN && !weightedMean ? rowMean : 1.0;
        double outScale = reduction != Reduction.MEAN ? 1.0 : weightedMean ? (n == 0 ? Double.NaN : 1.0) : rowMean;
        double wAll = c;
        if (weight != null) {
            wAll = 0;
            for (int k = 0; k < c; k++) wAll += weight.getDouble(k);
        }
        // GPUs: a work-group per wide row. CPUs (chunked layout): a work-item streams each row with explicit
        // vectors, ~8x faster than splitting rows across a work-group there, unless too few rows to fill the cores.
        boolean chunked = cl.config().layout() == LaunchConfig.Layout.CHUNKED;
        int wgs = cl.config().workGroupSize();
        // CPUs: a work-item per row only when the rows fill a work-group per compute unit (a work-group runs on
        // one core); fewer rows are split across a work-group's items instead (each streams a contiguous chunk).
        // An unreduced call decides by the row width alone (see RowKernels.perItem): a row's loss then does not
        // depend on the batch it comes in.
        boolean wide = c >= cl.config().wideRowClasses() && (!chunked || reduce && (n + wgs - 1) / wgs < cl.config().computeUnits());
        long groups = wide ? Math.max(1, Math.min(n, cl.config().groupsFor(n * c)))
                : Math.max(1, Math.min(cl.config().groupsFor(n * Math.max(c, 1)), (n + wgs - 1) / wgs));
        // Wide rows too few to fill the device (e.g. 32 rows of 128k classes on a GPU): each row is cut into
        // `slices` work-groups' worth (class_slices_lse + class_slices_rows), at least 4 classes per work-item.
        long slices = 1;
        if (wide && mode == Mode.CE_INDEX && n > 0 && (reduce || cl.config().rowSlices() > 0)) {
            long wanted = cl.config().groupsFor(n * c);
            long forced = cl.config().rowSlices();
            slices = forced > 0 ? forced : Math.min((wanted + n - 1) / n, c / (4L * wgs));
            slices = Math.max(1, Math.min(slices, c));
            if (slices > 1) groups = Math.max(1, Math.min(n * slices, wanted));
        }
        // CPUs: contiguous float32 rows are streamed in 16-wide blocks (cross_entropy_rows_cpu.cl); a work-item per
        // row computing a gradient keeps the row's exps in private memory (STASH_N classes at most).
        boolean cpuRows = chunked && rows.inner() == 1 && dtype == DType.FLOAT32;
        List<String> stems = !cpuRows ? STEMS : cl.cpuDoubleMath(dtype) ? CPU_DOUBLE_STEMS : CPU_STEMS;
        boolean stash = cpuRows && gradX && !wide && mode == Mode.CE_INDEX;
        // Small batches: class_rows sums the weighted mean's denominator in each work-group (one launch per call).
        boolean totalInGroup = weightedMean && slices == 1 && n <= WEIGHT_TOTAL_IN_GROUP_ROWS;
        int flags = mode.ordinal() | OpenClContext.flagBit(totalInGroup, 3) | OpenClContext.flagBit(wide, 4) | OpenClContext.flagBit(rows.inner() == 1, 5) | OpenClContext.flagBit(reduce, 6) | OpenClContext.flagBit(gradX, 7)
                | OpenClContext.flagBit(gradT, 8) | OpenClContext.flagBit(inPlace, 9) | OpenClContext.flagBit(stash, 10);
        String options = cl.options(cl.options(dtype), flags, k -> " -DMODE=" + (k & 7) + " -DWEIGHT_TOTAL_IN_GROUP=" + (k >> 3 & 1)
                + " -DROW_PER_GROUP=" + (k >> 4 & 1) + " -DINNER1=" + (k >> 5 & 1) + " -DREDUCE=" + (k >> 6 & 1) + " -DGRAD_X=" + (k >> 7 & 1)
                + " -DGRAD_T=" + (k >> 8 & 1) + ((k >> 9 & 1) != 0 ? " -DIN_PLACE=1" : "") + ((k >> 10 & 1) != 0 ? " -DSTASH_N=1024" : ""));
        Tensor target = inputs.get("target");
        // Values of device-resident tensors are checked by the kernel (host ones were checked by validate).
        boolean checkOnDevice = indexTargets ? target != null && !(target instanceof HostTensor) : entropy && !(x instanceof HostTensor);

        try (CallScope scope = new CallScope(cl, inputs)) {
            Shape outShape = reduce ? Shape.scalar() : entropy ? xShape.dropTrailing(1)
                    : mode == Mode.CE_PROB ? xShape.without(xShape.rank() == 1 ? 0 : 1) : target.shape();
            CallScope.Result out = scope.result(dtype, outShape);
            Map<String, CallScope.Result> gradOut = new LinkedHashMap<>();
            CallScope.Result gx = null, gt = null;
            DeviceBuffer gxBuffer = null;
            if (gradX && inPlace) {
                gxBuffer = scope.input(xName); // the gradient overwrites the input (documented as consuming it)
            } else if (gradX) {
                gradOut.put(xName, gx = scope.result(dtype, xShape));
                gxBuffer = gx.buffer();
            }
            if (gradT) gradOut.put("target", gt = scope.result(dtype, target.shape()));
            DeviceBuffer w = weight == null ? null : scope.upload(HostTensor.fromDoubles(dtype, weight.shape(), weight.toDoubleArray()));
            DeviceBuffer partials = reduce ? scope.temp(Reducer.partialsBytes(cl, groups, 1)) : null;
            DeviceBuffer err = checkOnDevice ? scope.errorFlag() : null;
            DeviceBuffer denom = null;
            if (weightedMean && !totalInGroup) {
                denom = scope.temp(cl.accBytes());
                cl.call(cl.kernel(stems, options, "class_weight_total"), "class_weight_total", loss.name())
                        .mem(scope.input("target")).mem(w).ulong(n).ulong(c).int64(ignoreIndex).mem(denom)
                        .launch(1);
            }
            if (n > 0 && slices > 1) {
                DeviceBuffer part = scope.temp(n * slices * 4 * cl.accBytes());
                cl.call(cl.kernel(stems, options, "class_slices_lse"), "class_slices_lse", loss.name())
                        .mem(scope.input(xName)).mem(scope.input("target")).mem(w)
                        .ulong(n).ulong(c).ulong(rows.inner()).ulong(slices).real(eps)
                        .mem(part)
                        .launch(groups);
                cl.call(cl.kernel(stems, options, "class_slices_rows"), "class_slices_rows", loss.name())
                        .mem(scope.input(xName)).mem(scope.input("target")).mem(w)
                        .ulong(n).ulong(c).ulong(rows.inner()).ulong(slices)
                        .int64(ignoreIndex).real(eps).real(wAll)
                        .mem(denom).real(gscale).mem(part)
                        .mem(out.buffer()).mem(partials)
                        .mem(gxBuffer)
                        .mem(err)
                        .sumArgs(outScale)
                        .launch(groups);
            } else if (n > 0) {
                cl.call(cl.kernel(stems, options, "class_rows"), "class_rows", loss.name())
                        .mem(scope.input(xName))
                        .mem(indexTargets ? scope.input("target") : null)
                        .mem(mode == Mode.CE_PROB ? scope.input("target") : null)
                        .mem(w)
                        .ulong(n).ulong(c).ulong(rows.inner())
                        .int64(ignoreIndex).real(eps).real(wAll)
                        .mem(denom).real(gscale)
                        .mem(out.buffer()).mem(partials)
                        .mem(gxBuffer).mem(gt == null ? null : gt.buffer())
                        .mem(err)
                        .sumArgs(outScale)
                        .launch(groups);
            }
            if (reduce && n == 0) {
                // No rows, no launch: the sum is 0, a mean NaN.
                cl.write(out.buffer(), HostTensor.fromDoubles(dtype, Shape.scalar(), new double[] {0 * outScale}));
            }
            // The error flag is read with the results; a flagged call discards them.
            final String xn = xName;
            LossResult r = scope.finish(cl.backendName(), out, gradOut, bad -> {
                if (entropy) {
                    // The host check on the downloaded values names the offending value and where it is.
                    loss.validate(LossInputs.of(xn, x.toHost()));
                    return new IllegalStateException(loss.name() + ": the device flagged element " + bad + " but the host finds it valid");
                }
                return ClassTargets.targetOutOfRange(loss.name(), target.shape(), bad, target.toHost().getLong(bad), c);
            });
            if (!inPlace) return r;
            Map<String, Tensor> g = new LinkedHashMap<>(r.grads());
            g.put(xName, x);
            return Backend.result(r.output(), g, r.backend());
        }
    }
}
