/* elementwise.cl: the skeleton shared by every elementwise loss (l1, mse, huber, smooth_l1, ...).
 *
 * The loss's own file, compiled just before this one, defines (or, for a loss of x - y, DIFF_LOSS below)
 *   ARITY                                       number of tensor inputs (2 or 3)
 *   acc_t elem_loss(const acc_t *x, const acc_t *P)          loss of one element; x[k] is input k
 *   acc_t elem_grad(const acc_t *x, const acc_t *P, int k)   d elem_loss / d x[k]
 * where P[0..3] are the loss's scalar options (delta, beta, eps, ...). Optionally also
 *   ELEM_VEC16 and void elem_vec16(x0, x1, x2, P, &l, &d0, &d1, &d2)   the same on acc16_t vectors
 * for losses whose formula calls exp/log: the per-lane form then becomes scalar library calls on
 * POCL instead of its vector functions; d0..d2 unscaled, only those in GRAD_MASK are used.
 *
 * Build options: REDUCE (0: per-element output, 1: the sum into out[0] in the same launch, common.cl:
 * FINISH_SUM) and GRAD_MASK (bit k set: write the gradient of input k, scaled by grad_scale,
 * in the same pass). Each input is read once; nothing is written but the results. */
#ifndef ARITY
#define ARITY 2
#endif

/* Losses of the difference d = x - y (mse, l1, huber, smooth_l1) define instead
 *   DIFF_LOSS(T)   the functions diff_value_##T(d, p), diff_slope_##T(d, p) (dl/dx) and
 *                  diff_target_slope_##T(d, p) (dl/dy), p = P[0], written once for any T
 * which is instantiated here for acc_t (elem_loss/elem_grad: tails, GPU layout) and acc16_t
 * (elem_vec16: the CPU loop). OpenCL's ?: selects per lane on vectors, so one text serves both.
 * Why the vector form: from the scalar formula POCL's vectoriser rebuilt the 16 lanes of x - y one by
 * one (extract/broadcast/blend) wherever fabs or a select followed; written on acc16_t, l1, huber and
 * smooth_l1 stream like mse_loss. */
#ifdef DIFF_LOSS
DIFF_LOSS(acc_t)
DIFF_LOSS(acc16_t)
inline acc_t elem_loss(const acc_t *x, const acc_t *P) { return diff_value_acc_t(x[0] - x[1], P[0]); }
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t d = x[0] - x[1];
    return k == 0 ? diff_slope_acc_t(d, P[0]) : diff_target_slope_acc_t(d, P[0]);
}
#define ELEM_VEC16 1
inline void elem_vec16(acc16_t x0, acc16_t x1, acc16_t x2, const acc_t *P, acc16_t *l, acc16_t *d0,
                       acc16_t *d1, acc16_t *d2) {
    const acc16_t d = x0 - x1;
    *l = diff_value_acc16_t(d, P[0]);
    *d0 = diff_slope_acc16_t(d, P[0]);
    *d1 = diff_target_slope_acc16_t(d, P[0]);
    *d2 = 0;
}
#endif

__kernel void elementwise_loss(__global const real_t *in0, __global const real_t *in1,
                               __global const real_t *in2, const ulong n,
                               const acc_t p0, const acc_t p1, const acc_t p2, const acc_t p3,
                               const acc_t grad_scale, __global real_t *out,
                               __global acc_t *partials, __global real_t *g0,
                               __global real_t *g1, __global real_t *g2 SUM_ARGS) {
    __local acc_t scratch[WGS];
    const acc_t P[4] = {p0, p1, p2, p3};
    sum_t total = SUM_ZERO;
#if LAYOUT_CHUNKED
    /* CPU: this work-item's contiguous chunk (a multiple of 16 long, so every block starts aligned),
     * moved in whole 16-element blocks through private arrays (VLOAD16/VSTORE16), then a scalar tail.
     * Each of the 16 lanes keeps its own running sum and the lanes are added in a fixed order after
     * the loop: the per-lane chains are independent (the compiler can keep them in vector registers)
     * and the result depends only on n and the launch size. */
    const ulong items = get_global_size(0);
    const ulong chunk = ((n + items - 1) / items + 15) & ~(ulong)15;
    const ulong begin = min((ulong)get_global_id(0) * chunk, n);
    const ulong end = min(begin + chunk, n);
    ulong i = begin;
#if REDUCE
    sum16_t lanes = SUM16_ZERO;
#endif
    for (; i + 16 <= end; i += 16) {
        const acc16_t v0 = VLOAD16(in0, i);
        const acc16_t v1 = VLOAD16(in1, i);
#if ARITY > 2
        const acc16_t v2 = VLOAD16(in2, i);
#else
        const acc16_t v2 = 0;
#endif
        acc16_t l, d0, d1, d2;
#ifdef ELEM_VEC16
        elem_vec16(v0, v1, v2, P, &l, &d0, &d1, &d2);
        d0 *= grad_scale;
        d1 *= grad_scale;
        d2 *= grad_scale;
#else
        /* The loss's scalar formula per lane; the loop has a constant trip count, so it is unrolled
         * and the lanes are vectorised back together. */
        __attribute__((opencl_unroll_hint(16))) for (int j = 0; j < 16; ++j) {
            const acc_t x[3] = {v0[j], v1[j], v2[j]};
            l[j] = elem_loss(x, P);
            d0[j] = (GRAD_MASK & 1) ? elem_grad(x, P, 0) * grad_scale : 0;
            d1[j] = (GRAD_MASK & 2) ? elem_grad(x, P, 1) * grad_scale : 0;
            d2[j] = (GRAD_MASK & 4) ? elem_grad(x, P, 2) * grad_scale : 0;
        }
#endif
#if REDUCE
        lanes = sum16_add(lanes, l);
#else
        VSTORE16(out, i, l);
#endif
#if GRAD_MASK & 1
        VSTORE16(g0, i, d0);
#endif
#if GRAD_MASK & 2
        VSTORE16(g1, i, d1);
#endif
#if GRAD_MASK & 4
        VSTORE16(g2, i, d2);
#endif
    }
#if REDUCE
    total = sum16_total(lanes);
#endif
    for (; i < end; ++i) {
#else
    FOR_EACH_INDEX(i, n) {
#endif
        acc_t x[3];
        x[0] = LOAD(in0, i);
        x[1] = LOAD(in1, i);
#if ARITY > 2
        x[2] = LOAD(in2, i);
#else
        x[2] = 0;
#endif
        const acc_t l = elem_loss(x, P);
#if REDUCE
        sum_add(&total, l);
#else
        STORE(out, i, l);
#endif
#if GRAD_MASK & 1
        STORE(g0, i, elem_grad(x, P, 0) * grad_scale);
#endif
#if GRAD_MASK & 2
        STORE(g1, i, elem_grad(x, P, 1) * grad_scale);
#endif
#if GRAD_MASK & 4
        STORE(g2, i, elem_grad(x, P, 2) * grad_scale);
#endif
    }
#if REDUCE
    FINISH_SUM(wg_sum(sum_get(total), scratch), scratch);
#endif
}
