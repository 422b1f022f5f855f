/* cosine_embedding_loss.cl: one row per (work-group | work-item), see rows.cl.
 * Per row r of x1, x2 (N rows of D contiguous elements)
 *   s = sum x1 x2,  q1 = sum x1^2 + EPS,  q2 = sum x2^2 + EPS,  cos = s / sqrt(q1 q2)
 *   l = 1 - cos (y = 1), max(0, cos - margin) (y = -1), 0 otherwise
 * and, in the same launch, a second sweep over the row writing the gradients (PyTorch's autograd
 * chain: d/ds = g / denom, d/d(q1 q2) = -g s / denom^2 / (2 denom), so
 * dx1 = a x2 + 2 x1 b q2, dx2 = a x1 + 2 x2 b q1). The row is read twice (once for the dot
 * products, once for the gradients: it is still in cache), never more. Both sweeps move 16-element
 * vectors on a CPU (rows.cl's ROW_FOR_V).
 *
 * Accuracy: the sums are accumulated in acc_t lanes; with fp64 a product of two floats is exact in
 * double, so s, q1, q2 carry only the double rounding of the additions (~D 2^-53 relative), and the
 * loss and each gradient element are rounded once, from double, into the storage type.
 *
 * Build options (and rows.cl's ROW_PER_ITEM, REDUCE):
 *   TARGET_INT     1: target is int64; 0: target has the inputs' storage type
 *   TARGET_BCAST   1: one target value for every row (a (1) target)
 *   GRAD1, GRAD2   1: write the gradient of input1 / input2
 *
 * An input broadcast along D (its own D is 1) arrives expanded to the full D: PyTorch sums its squares
 * over its own single element, so q_k is scaled by qscale_k = 1/D (1 otherwise), and so is the q-term
 * of its gradient, which the host sums back over the D copies.
 */
#define COS_EPS ((acc_t)1e-12)

#if TARGET_INT
typedef long target_t;
#define TARGET_AT(t, r) ((acc_t)(t)[(TARGET_BCAST ? 0 : (r))])
#else
typedef real_t target_t;
#define TARGET_AT(t, r) LOAD(t, (TARGET_BCAST ? 0 : (r)))
#endif

/* The loss of one row from its three sums, and the gradient coefficients a (on the other input)
 * and b1, b2 (2 b q2, 2 b q1: on the input itself); g is the upstream gradient (grad_scale). */
inline acc_t row_loss(acc_t s, acc_t q1, acc_t q2, acc_t y, acc_t margin, acc_t g,
                      acc_t *a, acc_t *b1, acc_t *b2) {
    q1 += COS_EPS;
    q2 += COS_EPS;
    const acc_t denom = sqrt(q1 * q2);
    const acc_t cos = s / denom;
    acc_t l, dcos;
    if (y == 1) {
        l = 1 - cos;
        dcos = -g;
    } else if (y == -1) {
        /* clamp_min(cos - margin, 0); its backward passes the gradient where cos - margin >= 0
         * (so not where it is NaN). */
        const acc_t v = cos - margin;
        l = v > 0 ? v : (isnan(v) ? v : 0);
        dcos = v >= 0 ? g : 0;
    } else {
        l = 0; /* torch.where(target == +-1, ..., 0): other targets contribute nothing */
        dcos = 0;
    }
    *a = dcos / denom;
    const acc_t b = -dcos * s / (denom * denom) / (2 * denom);
    *b1 = 2 * b * q2;
    *b2 = 2 * b * q1;
    return l;
}

__kernel void cosine_embedding_loss(__global const real_t *x1, __global const real_t *x2,
                                    __global const target_t *tgt, const ulong rows, const ulong d,
                                    const acc_t margin, const acc_t grad_scale, const acc_t qscale1, const acc_t qscale2,
                                    __global real_t *out, __global acc_t *partials,
                                    __global real_t *g1, __global real_t *g2 SUM_ARGS) {
    __local acc_t scratch[ROW_SCRATCH];
    sum_t total = SUM_ZERO;
    ROW_BEGIN(r, rows)
        __global const real_t *u1 = x1 + r * d, *u2 = x2 + r * d;
        const ulong e = rowv_end(d);
        rowv_t sv = 0, q1v = 0, q2v = 0;
        ROW_FOR_V(j, d) {
            const rowv_t u = row_load(u1, j, e), v = row_load(u2, j, e);
            sv += u * v;
            q1v += u * u;
            q2v += v * v;
        }
        acc_t sums[3] = {row_hsum(sv), row_hsum(q1v), row_hsum(q2v)};
        row_sums(sums, 3, scratch);
        acc_t a, b1, b2;
        const acc_t l = row_loss(sums[0], sums[1] * qscale1, sums[2] * qscale2, TARGET_AT(tgt, r), margin, grad_scale, &a, &b1, &b2);
        b1 *= qscale1;
        b2 *= qscale2;
        row_emit(r, l, out, &total);
#if GRAD1 || GRAD2
        /* d/dx1 = a x2 + b1 x1, d/dx2 = a x1 + b2 x2 */
        ROW_FOR_V(j, d) {
            const rowv_t u = row_load(u1, j, e), v = row_load(u2, j, e);
#if GRAD1
            row_store(g1 + r * d, j, e, a * v + u * b1);
#endif
#if GRAD2
            row_store(g2 + r * d, j, e, a * u + v * b2);
#endif
        }
#endif
    ROW_END
    row_finish(partials, total, scratch);
}
