/* elementwise.cl: the skeleton shared by every elementwise loss (l1, mse, huber, smooth_l1, ...).
 *
 * The loss's own file, compiled just before this one, defines
 *   ARITY                                       number of tensor inputs (2 or 3)
 *   acc_t elem_loss(const acc_t *x, const acc_t *P)          loss of one element; x[k] is input k
 *   acc_t elem_grad(const acc_t *x, const acc_t *P, int k)   d elem_loss / d x[k]
 * where P[0..3] are the loss's scalar options (delta, beta, eps, ...).
 *
 * Build options: REDUCE (0: per-element output, 1: one partial sum per work-group for
 * reduce_partials) and GRAD_MASK (bit k set: write the gradient of input k, scaled by grad_scale,
 * in the same pass). Each input is read once; nothing is written but the results. */
#ifndef ARITY
#define ARITY 2
#endif

__kernel void elementwise_loss(__global const real_t *in0, __global const real_t *in1,
                               __global const real_t *in2, const ulong n,
                               const acc_t p0, const acc_t p1, const acc_t p2, const acc_t p3,
                               const acc_t grad_scale, __global real_t *out,
                               __global acc_t *partials, __global real_t *g0,
                               __global real_t *g1, __global real_t *g2) {
    __local acc_t scratch[WGS];
    const acc_t P[4] = {p0, p1, p2, p3};
    sum_t total = SUM_ZERO;
    FOR_EACH_INDEX(i, n) {
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
    store_partial(partials, 1, 0, wg_sum(sum_get(total), scratch));
#endif
}
