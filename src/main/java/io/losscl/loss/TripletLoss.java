package io.losscl.loss;

import io.losscl.Loss;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * What the two triplet losses share: for each row (last dimension) of the broadcast
 * {@code anchor}, {@code positive}, {@code negative},
 * <pre>
 *   l = max(0, margin + d(a, p) - d'(a, n)),   d'(a, n) = swap ? min(d(a, n), d(p, n)) : d(a, n)
 * </pre>
 * with the distance {@code d} of the subclass, then reduced. Output for {@code none}: the broadcast
 * shape without its last dimension. All three inputs are differentiable.
 */
public abstract class TripletLoss implements io.losscl.ReducibleLoss {
    /** The distance between two rows. */
    public enum Distance {
        /** {@code ||x1 - x2 + eps||_p} (PyTorch's {@code pairwise_distance}). */
        PAIRWISE,
        /** {@code 1 - cosine_similarity(x1, x2)} over the last dimension (eps 1e-8 on each norm). */
        COSINE
    }

    private final double margin;
    private final boolean swap;
    private final Reduction reduction;

    TripletLoss(double margin, boolean swap, Reduction reduction) {
        this.margin = margin;
        this.swap = swap;
        this.reduction = RowLosses.noBatchmean(name(), reduction);
    }

    @Override public List<String> inputNames() { return List.of("anchor", "positive", "negative"); }

    /** The margin (default 1). */
    public double margin() { return margin; }
    /** Whether the distance to the negative is the smaller of d(anchor, negative) and d(positive, negative). */
    public boolean swap() { return swap; }
    /** The reduction (default {@code mean}). */
    @Override public Reduction reduction() { return reduction; }

    /** The three inputs broadcast: only those of the batch's rank are cut into rows. */
    @Override public boolean broadcastsInputs() { return true; }
    /** The distance between rows. */
    public abstract Distance distance();
    /** The norm's order for {@link Distance#PAIRWISE}. */
    public abstract double p();
    /** The eps added to the difference for {@link Distance#PAIRWISE}. */
    public abstract double eps();

    /** Whether PyTorch insists on equal ranks of the three inputs. */
    abstract boolean sameRank();

    /** The broadcast shape of the three inputs. */
    public Shape fullShape(LossInputs inputs) {
        return RowLosses.broadcast(name(), new String[] {"anchor", "positive", "negative"},
                inputs.get("anchor").shape(), inputs.get("positive").shape(), inputs.get("negative").shape());
    }

    @Override
    public Shape validate(LossInputs inputs) {
        Tensor a = Checks.floating(name(), inputs, "anchor");
        Tensor p = Checks.floating(name(), inputs, "positive");
        Tensor n = Checks.floating(name(), inputs, "negative");
        if (sameRank() && (a.shape().rank() != p.shape().rank() || p.shape().rank() != n.shape().rank())) {
            throw Checks.invalid(name(), "All inputs should have same dimension but got " + a.shape().rank() + "D, "
                    + p.shape().rank() + "D and " + n.shape().rank() + "D inputs.");
        }
        Shape full = fullShape(inputs);
        if (reduction != Reduction.NONE || full.rank() == 0) return Shape.scalar();
        return full.dropTrailing(1);
    }
}
