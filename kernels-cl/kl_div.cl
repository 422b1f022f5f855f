/* kl_div (input x = log-probabilities, target t), pointwise:
 *   probability target (P[0] == 0): l = xlogy(t, t) - t x, with xlogy(0, .) = 0 (PyTorch's convention,
 *                                     so a zero target adds nothing even where x = -inf... except t x = 0 * -inf = NaN, as PyTorch)
 *                                     dl/dx = -t,  dl/dt = log t + t / t - x  (NaN at t = 0, as PyTorch's xlogy backward)
 *   log target (P[0] != 0):           l = exp(t) (t - x), dl/dx = -exp(t), dl/dt = exp(t) (t - x + 1) */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t in = x[0], t = x[1];
    if (P[0] != 0) return exp(t) * (t - in);
    const acc_t xlogy = (t == 0) ? (acc_t)0 : t * log(t);
    return xlogy - t * in;
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t in = x[0], t = x[1];
    if (P[0] != 0) return k == 0 ? -exp(t) : exp(t) * (t - in + 1);
    return k == 0 ? -t : log(t) + t / t - in;
}

#if LAYOUT_CHUNKED
/* kl_div_vec: input and target of the same shape on a CPU device (the skeleton's other cases: broadcasting,
 * promotion, GPUs). The skeleton evaluates elem_loss lane by lane, and POCL then calls a scalar double log or
 * exp per element (~10x slower than its vector versions); here each work-item walks its contiguous chunk (the
 * partition of elementwise.cl) in 16-wide blocks with the formulas above written on vectors, then a scalar
 * tail through elem_loss/elem_grad. Lane sums are combined in a fixed order (deterministic). */
__kernel void kl_div_vec(__global const real_t *in0, __global const real_t *in1, const ulong n, const int log_target,
                         const acc_t grad_scale, __global real_t *out, __global acc_t *partials,
                         __global real_t *g0, __global real_t *g1) {
    __local acc_t scratch[WGS];
    const acc_t P[4] = {log_target ? 1 : 0, 0, 0, 0};
    sum_t total = SUM_ZERO;
    const ulong items = get_global_size(0);
    const ulong chunk = ((n + items - 1) / items + 15) & ~(ulong)15;
    const ulong begin = min((ulong)get_global_id(0) * chunk, n);
    const ulong end = min(begin + chunk, n);
    ulong i = begin;
    acc16_t lane = 0;
    for (; i + 16 <= end; i += 16) {
        const acc16_t x = VLOAD16(in0, i), t = VLOAD16(in1, i);
        acc16_t l, dx, dt;
        if (log_target) {
            const acc16_t et = exp(t);
            l = et * (t - x);
            dx = -et;
            dt = et * (t - x + 1);
        } else {
            const acc16_t lt = log(t);
            l = select(t * lt, (acc16_t)0, t == 0) - t * x; /* xlogy(0, .) = 0; NaN stays NaN */
            dx = -t;
            dt = lt + t / t - x;
        }
#if REDUCE
        lane += l;
#else
        VSTORE16(out, i, l);
#endif
#if GRAD_MASK & 1
        VSTORE16(g0, i, dx * grad_scale);
#endif
#if GRAD_MASK & 2
        VSTORE16(g1, i, dt * grad_scale);
#endif
    }
#if REDUCE
    for (int j = 0; j < 16; ++j) sum_add(&total, lane[j]);
#endif
    for (; i < end; ++i) {
        const acc_t x[3] = {LOAD(in0, i), LOAD(in1, i), 0};
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
    }
#if REDUCE
    store_partial(partials, 1, 0, wg_sum(sum_get(total), scratch));
#endif
}
#endif
