/* binary_cross_entropy.cl: binary_cross_entropy (LOGITS=0) and binary_cross_entropy_with_logits
 * (LOGITS=1). Both share the loop, the broadcast option tensors, the reduction and the gradients:
 * one pass reads x, y (and the option tensors) once and writes the per-element loss or a partial
 * sum per work-group, plus d/dx and d/dy scaled by grad_scale (1/n for mean).
 *
 * Build options:
 *   LOGITS          0: x is a probability; 1: x is a logit
 *   WEIGHT_MODE     how `weight` is read (PW_MODE the same for `pos_weight`, LOGITS=1 only):
 *                     0 absent (1), 1 same shape as x (index i), 2 a scalar (index 0),
 *                     3 the trailing dimensions of x, e.g. [C] against [N, C] (index i % len),
 *                     4 general broadcasting (bcast_index with a map from Broadcast.kernelMap)
 *                   so that the common cases pay no index arithmetic.
 *   REDUCE          0: per-element output; 1: one partial sum per work-group for reduce_partials
 *   GRAD_INPUT, GRAD_TARGET   1: write that gradient in the same pass
 */
#ifndef WEIGHT_MODE
#define WEIGHT_MODE 0
#endif
#ifndef PW_MODE
#define PW_MODE 0
#endif

/* One broadcast option value for element i (see WEIGHT_MODE). */
#define OPTION_AT(mode, p, map, len, i, out)          \
    do {                                              \
        if ((mode) == 0) out = 1;                     \
        else if ((mode) == 1) out = LOAD(p, i);       \
        else if ((mode) == 2) out = LOAD(p, 0);       \
        else if ((mode) == 3) out = LOAD(p, (i) % (len)); \
        else out = LOAD(p, bcast_index((i), (map)));  \
    } while (0)

/* PyTorch clamps each log at -100 so that x = 0 or 1 gives a finite loss (BCELoss docs). */
#define LOG_CLAMP ((acc_t)-100)
/* binary_cross_entropy_backward's floor on (1 - x) x, which keeps d/dx finite at x = 0 and 1. */
#define BCE_EPSILON ((acc_t)1e-12)

/* softplus(-x) = -log sigmoid(x) = log(1 + exp(-x)), in PyTorch's (1.13) own stable form
 * log(exp(-m) + exp(-x - m)) + m with m = max(-x, 0): neither exp overflows (both arguments are
 * <= 0), so logits of +-1e4 stay finite; and it rounds as PyTorch does (log of a sum rather than
 * log1p: softplus(-100) is exactly 0 in both, not 3.7e-44). */
inline acc_t softplus_neg(acc_t x) {
    const acc_t m = fmax(-x, (acc_t)0);
    return log(exp(-m) + exp(-x - m)) + m;
}

/* log sigmoid(z) = min(z, 0) - log1p(exp(-|z|)), as at::log_sigmoid computes it: finite for finite z,
 * and -inf (not NaN) at z = -inf. */
inline acc_t log_sigmoid(acc_t z) { return fmin(z, (acc_t)0) - log1p(exp(-fabs(z))); }

__kernel void binary_cross_entropy(__global const real_t *x_in, __global const real_t *y_in,
                                   __global const real_t *w_in, __global const long *w_map, const ulong w_len,
                                   __global const real_t *pw_in, __global const long *pw_map, const ulong pw_len,
                                   const ulong n, const acc_t grad_scale,
                                   __global real_t *out, __global acc_t *partials,
                                   __global real_t *gx, __global real_t *gy) {
    __local acc_t scratch[WGS];
    sum_t total = SUM_ZERO;
    FOR_EACH_INDEX(i, n) {
        const acc_t x = LOAD(x_in, i);
        const acc_t y = LOAD(y_in, i);
        acc_t w;
        OPTION_AT(WEIGHT_MODE, w_in, w_map, w_len, i, w);
#if LOGITS
        acc_t p;
        OPTION_AT(PW_MODE, pw_in, pw_map, pw_len, i, p);
        const acc_t sp = softplus_neg(x);
        /* PyTorch: (1 - y) x + (1 + (p - 1) y) softplus(-x); with p = 1 the second factor is 1. */
        const acc_t l = w * ((1 - y) * x + (1 + (p - 1) * y) * sp);
#else
        /* PyTorch: (y - 1) max(log1p(-x), -100) - y max(log x, -100). fmax would drop a NaN, so
         * compare explicitly; the input was checked to lie in [0, 1] anyway. */
        const acc_t lx = log(x), l1x = log1p(-x);
        const acc_t l = w * ((y - 1) * (l1x < LOG_CLAMP ? LOG_CLAMP : l1x) - y * (lx < LOG_CLAMP ? LOG_CLAMP : lx));
#endif
#if REDUCE
        sum_add(&total, l);
#else
        STORE(out, i, l);
#endif
#if GRAD_INPUT
#if LOGITS
        /* binary_cross_entropy_with_logits_backward: ((p y + 1 - y) sigmoid(x) - p y). */
        const acc_t py = p * y;
        const acc_t sig = 1 / (1 + exp(-x));
        STORE(gx, i, w * ((py + 1 - y) * sig - py) * grad_scale);
#else
        /* binary_cross_entropy_backward: (x - y) / max((1 - x) x, EPSILON). */
        STORE(gx, i, w * (x - y) / fmax((1 - x) * x, BCE_EPSILON) * grad_scale);
#endif
#endif
#if GRAD_TARGET
#if LOGITS
        /* binary_cross_entropy_with_logits_target_backward: d/dy = -x + (p - 1) softplus(-x), which
         * PyTorch computes as -x without pos_weight and as log sigmoid(-x) - p log sigmoid(x) with it
         * (so that x = +-inf gives -+inf, not NaN). */
#if PW_MODE == 0
        STORE(gy, i, w * -x * grad_scale);
#else
        STORE(gy, i, w * (log_sigmoid(-x) - p * log_sigmoid(x)) * grad_scale);
#endif
#else
        /* binary_cross_entropy_target_backward: -logit(x) = log((1 - x) / x), unclamped. */
        STORE(gy, i, w * -log(x / (1 - x)) * grad_scale);
#endif
#endif
    }
#if REDUCE
    store_partial(partials, 1, 0, wg_sum(sum_get(total), scratch));
#endif
}
