package io.losscl.loss;

import io.losscl.HostTensor;
import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Options;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * Multi-label hinge loss, {@code torch.nn.functional.multilabel_margin_loss}. A row's targets are
 * its target entries up to (not including) the first {@code -1}; with {@code T} that set of classes:
 * <pre>
 *   l = sum_{j : y_j before the first -1} sum_{i not in T} max(0, 1 - (x[y_j] - x[i])) / C
 * </pre>
 * (a class listed twice counts twice, as in PyTorch), then reduced over the rows.
 * <ul>
 *   <li>{@code input}: {@code (N, C)} with {@code C > 0}, {@code (C)} or a scalar; floating.</li>
 *   <li>{@code target}: int64 of the input's shape; every entry in {@code [-1, C)} (also after the first -1).</li>
 *   <li>{@code reduction}: {@code mean} (default), {@code sum} or {@code none} ({@code (N)}; a scalar for unbatched input).</li>
 * </ul>
 * Differentiable with respect to {@code input}.
 */
public final class MultilabelMarginLoss implements io.losscl.ReducibleLoss {
    /** The {@code torch.nn.functional} name. */
    public static final String NAME = "multilabel_margin_loss";
    private final Reduction reduction;

    private MultilabelMarginLoss(Reduction reduction) { this.reduction = RowLosses.noBatchmean(NAME, reduction); }

    /** multilabel_margin_loss with the given reduction. */
    public static MultilabelMarginLoss of(Reduction reduction) { return new MultilabelMarginLoss(reduction); }

    @Override public MultilabelMarginLoss withReduction(Reduction r) { return of(r); }

    /** With the default {@code mean} reduction. */
    public static MultilabelMarginLoss mean() { return of(Reduction.MEAN); }

    /** From PyTorch-style options: {@code reduction}. */
    public static MultilabelMarginLoss fromOptions(Options o) {
        o.allowOnly("reduction");
        return of(o.reduction(Reduction.MEAN, false));
    }

    @Override public String name() { return NAME; }
    @Override public List<String> inputNames() { return List.of("input", "target"); }
    /** The reduction (default {@code mean}). */
    public Reduction reduction() { return reduction; }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor input = Checks.floating(NAME, inputs, "input");
        Tensor target = Checks.int64(NAME, inputs, "target");
        RowLosses.vectorOrMatrix(NAME, input);
        Shape s = input.shape();
        long n = RowLosses.frames(s), c = RowLosses.classes(s);
        boolean ok = s.rank() <= 1 ? target.shape().rank() <= 1 && target.numel() == c
                : target.shape().rank() == 2 && target.shape().dim(0) == n && target.shape().dim(1) == c;
        if (!ok) throw Checks.invalid(NAME, "inconsistent size " + target.shape() + " for argument #2 'target' (input is " + s + ")");
        if (target instanceof HostTensor) {
            HostTensor t = (HostTensor) target;
            for (int i = 0; i < t.numel(); i++) {
                long y = t.getLong(i);
                if (y < -1 || y >= c) {
                    throw Checks.invalid(NAME, "target " + y + " at index " + Checks.index(t.shape(), i)
                            + " is out of range [-1, " + c + ") (argument #2 'target' is out of range)");
                }
            }
        }
        return reduction == Reduction.NONE && target.shape().rank() > 1 ? Shape.of(n) : Shape.scalar();
    }

    @Override public String toString() { return NAME + "(reduction=" + reduction + ")"; }
}
