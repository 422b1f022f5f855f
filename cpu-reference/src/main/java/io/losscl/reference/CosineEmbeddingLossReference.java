package io.losscl.reference;

import io.losscl.Broadcast;
import io.losscl.HostTensor;
import io.losscl.InvalidArgumentException;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.loss.CosineEmbeddingLoss;
import java.util.Set;

/**
 * cosine_embedding_loss, row by row: {@code cos = s / sqrt(q1 q2)} with {@code s = sum x1 x2},
 * {@code q_k = sum x_k^2 + 1e-12}; {@code l = 1 - cos} (y = 1), {@code max(0, cos - margin)} (y = -1),
 * else 0. Gradients follow PyTorch's autograd through those operations:
 * {@code dl/dx1 = g x2 / denom + x1 (-g s / denom^2) m2 / denom} with {@code g = dl/dcos},
 * {@code denom = sqrt(q1 q2)}, and symmetrically for x2.
 */
public final class CosineEmbeddingLossReference implements ReferenceLoss<CosineEmbeddingLoss> {
    @Override
    public ReferenceResult compute(CosineEmbeddingLoss loss, LossInputs inputs, Set<String> grads) {
        if (grads.contains("target")) throw new InvalidArgumentException(loss.name() + ": target is not differentiable");
        HostTensor x1 = (HostTensor) inputs.get("input1");
        HostTensor x2 = (HostTensor) inputs.get("input2");
        HostTensor target = (HostTensor) inputs.get("target");
        boolean batched = x1.shape().rank() == 2;
        // input1, input2 and the target broadcast together (PyTorch's rules); a broadcast input's
        // gradient sums the derivatives of every element that read it
        Shape full = loss.fullShape(inputs);
        int rows = batched ? (int) full.dim(0) : 1;
        int d = (int) full.dim(-1), d1 = (int) x1.shape().dim(-1), d2 = (int) x2.shape().dim(-1);
        Broadcast.IndexMap s1 = Broadcast.map(x1.shape(), full), s2 = Broadcast.map(x2.shape(), full);
        int[] i1 = new int[rows * d], i2 = new int[rows * d];
        for (int k = 0; k < rows * d; k++) {
            i1[k] = s1.at(k);
            i2[k] = s2.at(k);
        }
        double[] perRow = new double[rows];
        double[] g1 = grads.contains("input1") ? new double[x1.shape().numelInt()] : null;
        double[] g2 = grads.contains("input2") ? new double[x2.shape().numelInt()] : null;
        double scale = Reductions.gradScale(loss.reduction(), rows);
        for (int r = 0; r < rows; r++) {
            // s over the broadcast row; each q over the input's own row (PyTorch sums x * x before broadcasting)
            double s = 0, q1 = 0, q2 = 0;
            for (int j = 0; j < d; j++) s += x1.getDouble(i1[r * d + j]) * x2.getDouble(i2[r * d + j]);
            for (int j = 0; j < d1; j++) q1 += x1.getDouble(i1[r * d + j]) * x1.getDouble(i1[r * d + j]);
            for (int j = 0; j < d2; j++) q2 += x2.getDouble(i2[r * d + j]) * x2.getDouble(i2[r * d + j]);
            q1 += CosineEmbeddingLoss.EPSILON;
            q2 += CosineEmbeddingLoss.EPSILON;
            double denom = Math.sqrt(q1 * q2);
            double cos = s / denom;
            double y = target.getDouble(target.numel() == 1 ? 0 : r);
            double dcos; // d l / d cos, times the upstream gradient
            if (y == 1) {
                perRow[r] = 1 - cos;
                dcos = -scale;
            } else if (y == -1) {
                perRow[r] = Math.max(0, cos - loss.margin());
                dcos = cos - loss.margin() >= 0 ? scale : 0; // clamp_min passes the gradient where x >= min
            } else {
                perRow[r] = 0;
                dcos = 0;
            }
            if (g1 == null && g2 == null) continue; // the loss alone
            double a = dcos / denom;                           // d/ds
            double b = -dcos * s / (denom * denom) / (2 * denom); // d/d(q1 q2), through the sqrt
            for (int j = 0; j < d; j++) {
                double u = x1.getDouble(i1[r * d + j]), v = x2.getDouble(i2[r * d + j]);
                if (g1 != null) g1[i1[r * d + j]] += a * v + (j < d1 ? 2 * u * (b * q2) : 0);
                if (g2 != null) g2[i2[r * d + j]] += a * u + (j < d2 ? 2 * v * (b * q1) : 0);
            }
        }
        double[] out = Reductions.reduce(perRow, loss.reduction());
        Shape outShape = loss.reduction() == Reduction.NONE && batched ? Shape.of(rows) : Shape.scalar();
        ReferenceResult res = new ReferenceResult(outShape, out);
        if (g1 != null) res.withGrad("input1", x1.shape(), g1);
        if (g2 != null) res.withGrad("input2", x2.shape(), g2);
        return res;
    }
}
