package io.losscl.loss;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * Connectionist temporal classification loss, {@code torch.nn.functional.ctc_loss}.
 *
 * <p>Inputs (PyTorch's names and order):
 * <ul>
 *   <li>{@code log_probs}: {@code (T, N, C)} log-probabilities over {@code C} classes (normally a
 *       {@code log_softmax} output), or unbatched {@code (T, C)}; float32 or float64.</li>
 *   <li>{@code targets} (int64): padded {@code (N, S)} (row {@code n} holds its target in its first
 *       {@code target_lengths[n]} entries; the rest is ignored), or 1-D: all targets concatenated, of
 *       length {@code sum(target_lengths)}. Unbatched: 1-D of length {@code target_length}, or
 *       {@code (1, S)}.</li>
 *   <li>{@code input_lengths}, {@code target_lengths} (int64): {@code N} values each (a scalar or
 *       {@code [1]} when unbatched); {@code 0 <= input_lengths[n] <= T}, {@code target_lengths[n] >= 0}.</li>
 * </ul>
 *
 * <p>With the extended target {@code l'} of length {@code 2S+1} (blank, l_1, blank, l_2, ..., blank), the
 * forward variables are, in log space,
 * <pre>
 *   alpha_0(0) = lp_0(blank),  alpha_0(1) = lp_0(l'_1)
 *   alpha_t(s) = logsumexp(alpha_{t-1}(s), alpha_{t-1}(s-1), [alpha_{t-1}(s-2) if l'_s != l'_{s-2}]) + lp_t(l'_s)
 *   loss_n     = -logsumexp(alpha_{T_n-1}(2S_n), alpha_{T_n-1}(2S_n - 1))
 * </pre>
 * An impossible alignment (the target, with a blank between repeated labels, longer than the input)
 * gives {@code +inf}; with {@code zero_infinity} that loss and its gradient are zero instead.
 *
 * <p>Reduction ({@code mean} by default): {@code none} gives the {@code N} losses (a scalar when
 * unbatched); {@code sum} their sum; {@code mean} divides each loss by its target length (clamped to at
 * least 1), then averages over the batch.
 *
 * <p>Gradient with respect to {@code log_probs}, as PyTorch computes it (note it is not the textbook
 * derivative of the loss with respect to {@code log_probs}; it equals the textbook gradient with
 * respect to the logits once taken through {@code log_softmax}'s backward):
 * <pre>
 *   grad[t, n, c] = (exp(lp[t, n, c]) - exp(log(sum_{s: l'_s = c} alpha_t(s) beta_t(s)) + loss_n - lp[t, n, c])) * upstream_n
 * </pre>
 * for {@code t < input_lengths[n]}, and 0 for later time steps.
 *
 * <p>Options: {@code blank} in {@code [0, C)} (default 0), {@code reduction}, {@code zero_infinity}
 * (default false). Targets equal to {@code blank} are accepted, as PyTorch accepts them; targets outside
 * {@code [0, C)} are rejected (PyTorch would read out of bounds).
 */
public final class CtcLoss implements io.losscl.ReducibleLoss {
    private static final String NAME = "ctc_loss";
    private final long blank;
    private final Reduction reduction;
    private final boolean zeroInfinity;

    private CtcLoss(long blank, Reduction reduction, boolean zeroInfinity) {
        if (reduction == Reduction.BATCHMEAN) throw new InvalidArgumentException(NAME + ": reduction batchmean is only valid for kl_div");
        this.blank = blank;
        if (reduction == null) throw new InvalidArgumentException(NAME + ": reduction is null");
        this.reduction = reduction;
        this.zeroInfinity = zeroInfinity;
    }

    /** A builder with PyTorch's defaults: blank 0, reduction mean, zero_infinity false. */
    public static Builder builder() { return new Builder(); }

    /** ctc_loss with every default. */
    public static CtcLoss defaults() { return builder().build(); }

    /** From PyTorch-style options: {@code blank}, {@code reduction}, {@code zero_infinity}. */
    public static CtcLoss fromOptions(Options o) {
        o.allowOnly("blank", "reduction", "zero_infinity");
        return new CtcLoss(o.integer("blank", 0), o.reduction(Reduction.MEAN, false), o.bool("zero_infinity", false));
    }

    @Override public String name() { return NAME; }

    @Override public List<String> inputNames() { return List.of("log_probs", "targets", "input_lengths", "target_lengths"); }

    /** The blank class index. */
    public long blank() { return blank; }

    /** The reduction (default {@code mean}). */
    @Override public Reduction reduction() { return reduction; }

    @Override public CtcLoss withReduction(Reduction r) { return new CtcLoss(blank, r, zeroInfinity); }

    /** Unbatched (T, C) log_probs are one sequence. */
    @Override public boolean batched(LossInputs inputs) { return inputs.get("log_probs").shape().rank() == 3; }

    /** The batch is log_probs' dimension 1. */
    @Override
    public long batchRows(LossInputs inputs) { return batched(inputs) ? inputs.get("log_probs").shape().dim(1) : 1; }

    /** Sequences {@code [from, to)}: log_probs' dimension 1, the lengths, and the targets of those sequences. */
    @Override
    public LossInputs sliceRows(LossInputs inputs, long from, long to) {
        long n = batchRows(inputs);
        if (from == 0 && to == n) return inputs;
        if (!batched(inputs)) {
            throw new IllegalArgumentException(NAME + ": an unbatched call is one row; rows [" + from + ", " + to + ") of it do not exist");
        }
        HostTensor lp = inputs.get("log_probs").toHost(), targets = inputs.get("targets").toHost();
        HostTensor tgLen = inputs.get("target_lengths").toHost();
        long steps = lp.shape().dim(0), c = lp.shape().dim(2), rows = to - from;
        double[] all = lp.toDoubleArray(), part = new double[Math.toIntExact(steps * rows * c)];
        for (long t = 0; t < steps; t++) {
            System.arraycopy(all, Math.toIntExact((t * n + from) * c), part, Math.toIntExact(t * rows * c), Math.toIntExact(rows * c));
        }
        HostTensor slicedTargets;
        if (targets.shape().rank() == 2) {
            slicedTargets = targets.sliceRows(from, to);
        } else {
            long start = 0, length = 0;
            for (int i = 0; i < to; i++) {
                if (i < from) start += tgLen.getLong(i); else length += tgLen.getLong(i);
            }
            slicedTargets = HostTensor.of(java.util.Arrays.copyOfRange(targets.longData(), Math.toIntExact(start), Math.toIntExact(start + length)), length);
        }
        return LossInputs.of("log_probs", HostTensor.fromDoubles(lp.dtype(), Shape.of(steps, rows, c), part), "targets", slicedTargets,
                "input_lengths", inputs.get("input_lengths").toHost().sliceRows(from, to), "target_lengths", tgLen.sliceRows(from, to));
    }

    /** mean averages each sequence's loss divided by its target length (at least 1). */
    @Override
    public void addTerms(LossInputs slice, HostTensor unreduced, io.losscl.ExactSum terms) {
        if (reduction != Reduction.MEAN) {
            terms.addAll(unreduced);
            return;
        }
        HostTensor tgLen = slice.get("target_lengths").toHost();
        for (int i = 0; i < unreduced.numel(); i++) terms.add(unreduced.getDouble(i) / Math.max(tgLen.getLong(i), 1));
    }

    /** mean's denominator: the number of sequences. */
    @Override
    public void addDenominator(LossInputs slice, io.losscl.ExactSum denominator) {
        if (reduction == Reduction.MEAN) denominator.add(batchRows(slice));
    }

    /** Whether infinite losses (impossible alignments) and their gradients are replaced by zero. */
    public boolean zeroInfinity() { return zeroInfinity; }

    @Override
    public Shape validate(LossInputs inputs) {
        Batch b = batch(inputs);
        if (reduction != Reduction.NONE || !b.batched) return Shape.scalar();
        return Shape.of(b.n);
    }

    /**
     * Checks the inputs as PyTorch does and returns them in one normalized form: per sequence its input
     * length, target length and target labels (offsets into one concatenated array). Targets and lengths
     * are read on the host (downloaded if device-resident: they are small); log_probs is not read.
     */
    public Batch batch(LossInputs inputs) {
        Tensor lp = Checks.floating(NAME, inputs, "log_probs");
        int rank = lp.shape().rank();
        if (rank != 2 && rank != 3) {
            throw Checks.invalid(NAME, "log_probs must be (T, N, C) or unbatched (T, C), got shape " + lp.shape());
        }
        if (lp.dtype() != DType.FLOAT32 && lp.dtype() != DType.FLOAT64) {
            throw Checks.invalid(NAME, "log_probs must be float32 or float64 (as PyTorch's ctc_loss), got " + lp.dtype());
        }
        boolean batched = rank == 3;
        long tSteps = lp.shape().dim(0);
        long n = batched ? lp.shape().dim(1) : 1;
        long c = lp.shape().dim(-1);
        Tensor targetsT = Checks.int64(NAME, inputs, "targets");
        Tensor inLenT = Checks.int64(NAME, inputs, "input_lengths");
        Tensor tgLenT = Checks.int64(NAME, inputs, "target_lengths");
        int tRank = targetsT.shape().rank();
        if (tRank != 1 && tRank != 2) {
            throw Checks.invalid(NAME, "targets must be 1-D (concatenated) or 2-D (N, S) (padded), got shape " + targetsT.shape());
        }
        if (blank < 0 || blank >= c) {
            throw Checks.invalid(NAME, "blank " + blank + " is out of the label range [0, " + c + ") (blank must be in label range)");
        }
        if (inLenT.numel() != n) {
            throw Checks.invalid(NAME, "input_lengths of shape " + inLenT.shape() + " must have batch_size = " + n + " elements");
        }
        if (tgLenT.numel() != n) {
            throw Checks.invalid(NAME, "target_lengths of shape " + tgLenT.shape() + " must have batch_size = " + n + " elements");
        }
        int nn = Math.toIntExact(n);
        HostTensor inLen = inLenT.toHost(), tgLen = tgLenT.toHost();
        long[] il = new long[nn], tl = new long[nn];
        long sumTl = 0, maxTl = 0;
        for (int i = 0; i < nn; i++) {
            il[i] = inLen.getLong(i);
            tl[i] = tgLen.getLong(i);
            if (tl[i] < 0) {
                throw Checks.invalid(NAME, "target_lengths " + tl[i] + " at index " + Checks.index(tgLenT.shape(), i) + " is negative");
            }
            sumTl += tl[i];
            maxTl = Math.max(maxTl, tl[i]);
        }
        // Targets of sequence i start at offset[i] of the flat targets; stride 1 within a sequence.
        long[] offset = new long[nn];
        if (tRank == 1) {
            if (targetsT.numel() != sumTl) {
                throw Checks.invalid(NAME, "targets of shape " + targetsT.shape() + " must have sum(target_lengths) = " + sumTl
                        + " elements when concatenated (1-D)");
            }
            for (int i = 1; i < nn; i++) offset[i] = offset[i - 1] + tl[i - 1];
        } else {
            long rows = targetsT.shape().dim(0), s = targetsT.shape().dim(1);
            if (rows != n) {
                throw Checks.invalid(NAME, "targets of shape " + targetsT.shape() + " must have batch_size = " + n + " rows when padded (2-D)");
            }
            if (s < maxTl) {
                throw Checks.invalid(NAME, "targets of shape " + targetsT.shape() + " are too short for target_lengths " + maxTl
                        + " (expected size at least " + maxTl + " at dimension 1)");
            }
            for (int i = 0; i < nn; i++) offset[i] = i * s;
        }
        if (tSteps == 0) throw Checks.invalid(NAME, "log_probs has no time steps (T = 0), shape " + lp.shape());
        for (int i = 0; i < nn; i++) {
            if (il[i] < 0) {
                throw Checks.invalid(NAME, "input_lengths " + il[i] + " at index " + Checks.index(inLenT.shape(), i) + " is negative");
            }
            if (il[i] > tSteps) {
                throw Checks.invalid(NAME, "input_lengths " + il[i] + " at index " + Checks.index(inLenT.shape(), i)
                        + " is greater than the number of time steps T = " + tSteps);
            }
        }
        HostTensor targets = targetsT.toHost();
        long[] flat = new long[Math.toIntExact(sumTl)];
        long[] starts = new long[nn];
        int k = 0;
        for (int i = 0; i < nn; i++) {
            starts[i] = k;
            for (long j = 0; j < tl[i]; j++) {
                long at = offset[i] + j;
                long v = targets.getLong(Math.toIntExact(at));
                if (v < 0 || v >= c) {
                    throw Checks.invalid(NAME, "targets " + v + " at index " + Checks.index(targetsT.shape(), at)
                            + " is out of the class range [0, " + c + ")");
                }
                flat[k++] = v;
            }
        }
        return new Batch(batched, Math.toIntExact(tSteps), nn, Math.toIntExact(c), il, tl, starts, flat);
    }

    @Override
    public String toString() { return NAME + "(blank=" + blank + ", reduction=" + reduction + ", zero_infinity=" + zeroInfinity + ")"; }

    /**
     * Validated inputs in one form: sequence {@code n} has {@code inputLengths[n]} time steps and the
     * target {@code targets[starts[n] .. starts[n] + targetLengths[n])}.
     */
    public static final class Batch {
        /** False for unbatched {@code (T, C)} log_probs. */
        public final boolean batched;
        /** Time steps, sequences and classes of the log_probs. */
        public final int t, n, c;
        /** Per sequence: input and target lengths and where its target starts in {@code targets}; the targets, concatenated. */
        public final long[] inputLengths, targetLengths, starts, targets;

        Batch(boolean batched, int t, int n, int c, long[] inputLengths, long[] targetLengths, long[] starts, long[] targets) {
            this.batched = batched;
            this.t = t;
            this.n = n;
            this.c = c;
            this.inputLengths = inputLengths;
            this.targetLengths = targetLengths;
            this.starts = starts;
            this.targets = targets;
        }
    }

    /** Builder of {@link CtcLoss}; {@code build()} checks the options. */
    public static final class Builder {
        private long blank = 0;
        private Reduction reduction = Reduction.MEAN;
        private boolean zeroInfinity = false;

        private Builder() {}

        /** The blank class (default 0); it must be in {@code [0, C)} of the log_probs it is used with. */
        public Builder blank(long blank) { this.blank = blank; return this; }

        /** {@code none}, {@code mean} (default) or {@code sum}. */
        public Builder reduction(Reduction reduction) { this.reduction = reduction; return this; }

        /** Zero infinite losses and their gradients (default false). */
        public Builder zeroInfinity(boolean zeroInfinity) { this.zeroInfinity = zeroInfinity; return this; }

        /** The loss with these options; an {@link InvalidArgumentException} for a negative blank. */
        public CtcLoss build() {
            if (blank < 0) throw new InvalidArgumentException(NAME + ": blank " + blank + " must be in the label range [0, C)");
            return new CtcLoss(blank, reduction, zeroInfinity);
        }
    }
}
