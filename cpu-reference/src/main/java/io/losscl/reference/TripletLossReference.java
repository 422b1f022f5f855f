package io.losscl.reference;

import io.losscl.Broadcast;
import io.losscl.HostTensor;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.TripletLoss;
import java.util.Set;

/**
 * Both triplet losses: per row {@code l = max(0, margin + d(a, p) - d'(a, n))} with
 * {@code d' = swap ? min(d(a, n), d(p, n)) : d(a, n)}. Gradients follow PyTorch's autograd:
 * clamp_min passes the gradient where its argument is {@code >= 0}; min splits it in half on a tie.
 *
 * @param <L> the triplet loss
 */
public final class TripletLossReference<L extends TripletLoss> implements ReferenceLoss<L> {
    /**
     * Distance of two rows and its gradients with respect to each (into {@code g1}, {@code g2}; none where they
     * are null); {@code v} is room for one row.
     */
    static double distance(TripletLoss loss, double[] x1, double[] x2, double[] v, double[] g1, double[] g2) {
        int d = x1.length;
        if (loss.distance() == TripletLoss.Distance.COSINE) {
            double dot = 0, s1 = 0, s2 = 0;
            for (int i = 0; i < d; i++) {
                dot += x1[i] * x2[i];
                s1 += x1[i] * x1[i];
                s2 += x2[i] * x2[i];
            }
            double c1 = Math.max(Math.sqrt(s1), 1e-8), c2 = Math.max(Math.sqrt(s2), 1e-8);
            double cos = dot / (c1 * c2);
            if (g1 == null) return 1 - cos;
            // cos = sum (x1/c1)(x2/c2); d cos / d x1 = (x2/c2 - cos x1/c1) / c1, also where the norm is
            // clamped: PyTorch 1.13 clamps the norm in place without recording it, so autograd takes
            // d c1 / d x1 = x1 / c1 (written with the normalised vectors, as autograd evaluates it)
            for (int i = 0; i < d; i++) {
                double h1 = x1[i] / c1, h2 = x2[i] / c2;
                g1[i] = -(h2 - cos * h1) / c1;
                g2[i] = -(h1 - cos * h2) / c2;
            }
            return 1 - cos;
        }
        double p = loss.p(), eps = loss.eps();
        for (int i = 0; i < d; i++) v[i] = x1[i] - x2[i] + eps;
        double dist;
        if (Double.isInfinite(p) && p > 0) {
            dist = d == 0 ? 0 : Double.NEGATIVE_INFINITY;
            for (double e : v) dist = Double.isNaN(e) || Double.isNaN(dist) ? Double.NaN : Math.max(dist, Math.abs(e));
            if (g1 == null) return dist;
            int count = 0;
            for (double e : v) if (Math.abs(e) == dist || Double.isNaN(e)) count++;
            for (int i = 0; i < d; i++) {
                boolean m = Math.abs(v[i]) == dist || Double.isNaN(v[i]);
                g1[i] = m ? (v[i] > 0 ? 1 : v[i] < 0 ? -1 : 0) / (double) count : 0;
            }
        } else if (p == 0) {
            dist = 0;
            for (double e : v) if (e != 0) dist++;
            if (g1 == null) return dist;
            for (int i = 0; i < d; i++) g1[i] = 0;
        } else {
            double s = 0;
            for (double e : v) s += p == 1 ? Math.abs(e) : p == 2 ? e * e : Math.pow(Math.abs(e), p);
            dist = p == 1 ? s : p == 2 ? Math.sqrt(s) : Math.pow(s, 1 / p);
            if (g1 == null) return dist;
            for (int i = 0; i < d; i++) {
                if (p == 1) g1[i] = v[i] > 0 ? 1 : v[i] < 0 ? -1 : 0; // torch.sign(nan) = 0
                else if (dist == 0) g1[i] = 0;
                else if (p == 2) g1[i] = v[i] / dist;
                else g1[i] = v[i] * Math.pow(Math.abs(v[i]), p - 2) / Math.pow(dist, p - 1);
            }
        }
        for (int i = 0; i < d; i++) g2[i] = -g1[i];
        return dist;
    }

    @Override
    public ReferenceResult compute(L loss, LossInputs inputs, Set<String> grads) {
        String[] names = {"anchor", "positive", "negative"};
        HostTensor[] t = new HostTensor[3];
        for (int k = 0; k < 3; k++) t[k] = (HostTensor) inputs.get(names[k]);
        Shape full = loss.fullShape(inputs);
        WorkingMemory.requireDoubles(loss.name(), full, "the broadcast shape"); // every element is visited by int index
        int d = full.rank() == 0 ? 1 : (int) full.dim(-1);
        int rows = d == 0 ? (int) full.dropTrailing(1).numel() : full.numelInt() / d;
        Broadcast.IndexMap[] at = new Broadcast.IndexMap[3];
        double[][] g = new double[3][];
        for (int k = 0; k < 3; k++) {
            at[k] = Broadcast.map(t[k].shape(), full);
            if (grads.contains(names[k])) g[k] = new double[t[k].shape().numelInt()];
        }
        double scale = Reductions.gradScale(loss.reduction(), rows);
        double[] perRow = new double[rows];
        double[][] x = new double[3][d];
        double[] v = new double[d];
        boolean wantGrad = !grads.isEmpty(); // else each distance alone (null gradient arrays)
        double[] gap1 = wantGrad ? new double[d] : null, gap2 = wantGrad ? new double[d] : null;
        double[] gan1 = wantGrad ? new double[d] : null, gan2 = wantGrad ? new double[d] : null;
        double[] gpn1 = wantGrad ? new double[d] : null, gpn2 = wantGrad ? new double[d] : null;
        int[][] idx = new int[3][d];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < d; i++) {
                    idx[k][i] = at[k].at((long) r * d + i);
                    x[k][i] = t[k].getDouble(idx[k][i]);
                }
            }
            double dap = distance(loss, x[0], x[1], v, gap1, gap2);
            double dan = distance(loss, x[0], x[2], v, gan1, gan2);
            double wan = 1, wpn = 0, dneg = dan;
            if (loss.swap()) {
                double dpn = distance(loss, x[1], x[2], v, gpn1, gpn2);
                dneg = Math.min(dan, dpn);
                if (Double.isNaN(dan) || Double.isNaN(dpn)) dneg = Double.NaN;
                wan = dan < dpn ? 1 : dan > dpn ? 0 : 0.5;
                wpn = 1 - wan;
            }
            double z = loss.margin() + dap - dneg;
            perRow[r] = Double.isNaN(z) ? Double.NaN : Math.max(z, 0);
            // no shortcut for an inactive row: PyTorch multiplies the zero upstream gradient through,
            // so a NaN local derivative still yields NaN
            double up = z >= 0 ? scale : 0;
            for (int i = 0; wantGrad && i < d; i++) {
                if (g[0] != null) g[0][idx[0][i]] += up * (gap1[i] - wan * gan1[i]);
                if (g[1] != null) g[1][idx[1][i]] += up * (gap2[i] - wpn * gpn1[i]);
                if (g[2] != null) g[2][idx[2][i]] += up * (-wan * gan2[i] - wpn * gpn2[i]);
            }
        }
        double[] out = Reductions.reduce(perRow, loss.reduction());
        Shape outShape = loss.reduction() == Reduction.NONE && full.rank() > 0 ? full.dropTrailing(1) : Shape.scalar();
        ReferenceResult res = new ReferenceResult(outShape, out);
        for (int k = 0; k < 3; k++) if (g[k] != null) res.withGrad(names[k], t[k].shape(), g[k]);
        return res;
    }
}
