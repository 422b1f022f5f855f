/* cosine_embedding_loss.cl: per row r of x1, x2 (N rows of D contiguous elements)
 *   s = sum x1 x2,  q1 = sum x1^2 + EPS,  q2 = sum x2^2 + EPS,  cos = s / sqrt(q1 q2)
 *   l = 1 - cos (y = 1), max(0, cos - margin) (y = -1), 0 otherwise
 * and, in the same launch, a second sweep over the row writing the gradients (PyTorch's autograd
 * chain: d/ds = g / denom, d/d(q1 q2) = -g s / denom^2 / (2 denom), so
 * dx1 = a x2 + 2 x1 b q2, dx2 = a x1 + 2 x2 b q1). The row is read twice (once for the dot
 * products, once for the gradients), never more.
 *
 * Build options:
 *   ROW_PER_ITEM   1: each work-item owns whole rows (many rows: on a CPU a work-item then streams
 *                  its rows contiguously, no barriers); 0: one work-group per row, the three dot
 *                  products tree-reduced in local memory (few, wide rows)
 *   TARGET_INT     1: target is int64; 0: target has the inputs' storage type
 *   TARGET_BCAST   1: one target value for every row (a (1) target)
 *   REDUCE         0: per-row output; 1: one partial sum per work-group for reduce_partials
 *   GRAD1, GRAD2   1: write the gradient of input1 / input2
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

/* Gradients of one element pair from the row's coefficients (row_loss): d/dx1 = a x2 + b1 x1,
 * d/dx2 = a x1 + b2 x2. Shared by both row layouts. */
inline void store_grads(__global const real_t *x1, __global const real_t *x2, __global real_t *g1,
                        __global real_t *g2, const ulong i, const acc_t a, const acc_t b1, const acc_t b2) {
    const acc_t u = LOAD(x1, i), v = LOAD(x2, i);
#if GRAD1
    STORE(g1, i, a * v + u * b1);
#endif
#if GRAD2
    STORE(g2, i, a * u + v * b2);
#endif
}

#if ROW_PER_ITEM

__kernel void cosine_embedding_loss(__global const real_t *x1, __global const real_t *x2,
                                    __global const target_t *tgt, const ulong rows, const ulong d,
                                    const acc_t margin, const acc_t grad_scale,
                                    __global real_t *out, __global acc_t *partials,
                                    __global real_t *g1, __global real_t *g2) {
    __local acc_t scratch[WGS];
    sum_t total = SUM_ZERO;
    FOR_EACH_INDEX(r, rows) {
        const ulong base = r * d;
        acc_t s = 0, q1 = 0, q2 = 0;
        for (ulong j = 0; j < d; ++j) {
            const acc_t u = LOAD(x1, base + j), v = LOAD(x2, base + j);
            s += u * v;
            q1 += u * u;
            q2 += v * v;
        }
        acc_t a, b1, b2;
        const acc_t l = row_loss(s, q1, q2, TARGET_AT(tgt, r), margin, grad_scale, &a, &b1, &b2);
#if REDUCE
        sum_add(&total, l);
#else
        STORE(out, r, l);
#endif
#if GRAD1 || GRAD2
        for (ulong j = 0; j < d; ++j) store_grads(x1, x2, g1, g2, base + j, a, b1, b2);
#endif
    }
#if REDUCE
    store_partial(partials, 1, 0, wg_sum(sum_get(total), scratch));
#endif
}

#else /* one work-group per row */

/* The elements of a row owned by this work-item: a contiguous chunk on a CPU (streams), every
 * WGS-th element on a GPU (coalesced). Depends only on d and WGS: deterministic. */
#if LAYOUT_CHUNKED
#define FOR_EACH_IN_ROW(j, d)                                                   \
    const ulong _rchunk = ((((ulong)(d)) + WGS - 1) / WGS + 15) & ~(ulong)15;  \
    const ulong _rbegin = min((ulong)get_local_id(0) * _rchunk, (ulong)(d));   \
    const ulong _rend = min(_rbegin + _rchunk, (ulong)(d));                     \
    for (ulong j = _rbegin; j < _rend; ++j)
#else
#define FOR_EACH_IN_ROW(j, d) for (ulong j = get_local_id(0); j < (ulong)(d); j += WGS)
#endif

/* The three row sums over the work-group in one fixed tree (one set of barriers for all three). */
inline void wg_sum3(acc_t *s, acc_t *q1, acc_t *q2, __local acc_t *scratch) {
    const uint lid = get_local_id(0);
    scratch[lid] = *s;
    scratch[WGS + lid] = *q1;
    scratch[2 * WGS + lid] = *q2;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint k = WGS >> 1; k > 0; k >>= 1) {
        if (lid < k) {
            scratch[lid] += scratch[lid + k];
            scratch[WGS + lid] += scratch[WGS + lid + k];
            scratch[2 * WGS + lid] += scratch[2 * WGS + lid + k];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    *s = scratch[0];
    *q1 = scratch[WGS];
    *q2 = scratch[2 * WGS];
    barrier(CLK_LOCAL_MEM_FENCE);
}

__kernel void cosine_embedding_loss(__global const real_t *x1, __global const real_t *x2,
                                    __global const target_t *tgt, const ulong rows, const ulong d,
                                    const acc_t margin, const acc_t grad_scale,
                                    __global real_t *out, __global acc_t *partials,
                                    __global real_t *g1, __global real_t *g2) {
    __local acc_t scratch[3 * WGS];
    sum_t total = SUM_ZERO; /* kept by work-item 0 only */
    for (ulong r = get_group_id(0); r < rows; r += get_num_groups(0)) {
        const ulong base = r * d;
        acc_t s = 0, q1 = 0, q2 = 0;
        {
            FOR_EACH_IN_ROW(j, d) {
                const acc_t u = LOAD(x1, base + j), v = LOAD(x2, base + j);
                s += u * v;
                q1 += u * u;
                q2 += v * v;
            }
        }
        wg_sum3(&s, &q1, &q2, scratch);
        acc_t a, b1, b2;
        const acc_t l = row_loss(s, q1, q2, TARGET_AT(tgt, r), margin, grad_scale, &a, &b1, &b2);
        if (get_local_id(0) == 0) {
#if REDUCE
            sum_add(&total, l);
#else
            STORE(out, r, l);
#endif
        }
#if GRAD1 || GRAD2
        FOR_EACH_IN_ROW(j, d) store_grads(x1, x2, g1, g2, base + j, a, b1, b2);
#endif
    }
#if REDUCE
    /* Work-group partial: its rows' losses, summed by work-item 0 in row order. */
    store_partial(partials, 1, 0, sum_get(total));
#endif
}

#endif
