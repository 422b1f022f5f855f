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
 *   REDUCE          0: per-element output; 1: the sum into out[0] in the same launch (common.cl: FINISH_SUM)
 *   GRAD_INPUT, GRAD_TARGET   1: write that gradient in the same pass
 *   CHECK_RANGE     1 (LOGITS=0, input resident on the device, so not checked on the host): the
 *                   lowest index of an input outside [0, 1] (or NaN) goes to the call's error flag
 *                   (common.cl: flag_error), which the host reads and turns into PyTorch's error
 *
 * Vectorisation: the loss is transcendental-bound (log, exp). On a CPU device (LAYOUT_CHUNKED) POCL
 * calls a scalar log/exp per element (~100 ns each here) but has fast vector versions, so each
 * work-item walks its contiguous chunk VW = 16 elements at a time in acc16_t (VLOAD16/VSTORE16, as the
 * elementwise skeleton); the chunk is a multiple of 16, so only a chunk's last vector can be partial,
 * and it is loaded and stored lane by lane. Reduced losses are summed per lane and the lanes added in a
 * fixed order at the end (deterministic). On a GPU (grid-stride) VW = 1 and the same code runs on scalars.
 * With double arithmetic on a CPU, exp and log are cpu_math16.cl's polynomials sized to a float result
 * (binary_cross_entropy_cpu.cl).
 */
#ifndef WEIGHT_MODE
#define WEIGHT_MODE 0
#endif
#ifndef PW_MODE
#define PW_MODE 0
#endif

#if LAYOUT_CHUNKED
#define VW 16
typedef acc16_t accv_t;
#else
#define VW 1
typedef acc_t accv_t;
#endif

/* Lanes of a vector through private memory (only on partial vectors and broadcast gathers). */
#if VW == 1
#define TO_LANES(v, arr) ((arr)[0] = (v))
#define FROM_LANES(arr) ((arr)[0])
#else
#define TO_LANES(v, arr) vstore16((v), 0, (arr))
#define FROM_LANES(arr) vload16(0, (arr))
#endif

/* VW elements of p from i (lanes at or past end read `pad`, a harmless value). */
inline accv_t load_vec(__global const real_t *p, ulong i, ulong end, acc_t pad) {
#if VW > 1
    if (i + VW <= end) return VLOAD16(p, i);
#endif
    acc_t a[VW];
    for (int k = 0; k < VW; ++k) a[k] = i + k < end ? LOAD(p, i + k) : pad;
    return FROM_LANES(a);
}

/* Stores the lanes of v that lie before end, each rounded once to the storage type. */
inline void store_vec(__global real_t *p, ulong i, ulong end, accv_t v) {
#if VW > 1
    if (i + VW <= end) { VSTORE16(p, i, v); return; }
#endif
    acc_t a[VW];
    TO_LANES(v, a);
    for (int k = 0; k < VW && i + k < end; ++k) STORE(p, i + k, a[k]);
}

/* One broadcast option tensor (see WEIGHT_MODE) for the VW elements from i. */
inline accv_t option_vec(int mode, __global const real_t *p, __global const long *map, ulong len,
                         ulong i, ulong end) {
    if (mode == 0) return (accv_t)1;
    if (mode == 1) return load_vec(p, i, end, 1);
    if (mode == 2) return (accv_t)LOAD(p, 0);
    acc_t a[VW];
    for (int k = 0; k < VW; ++k) {
        const ulong j = i + k < end ? i + k : i;
        a[k] = LOAD(p, mode == 3 ? j % len : bcast_index(j, map));
    }
    return FROM_LANES(a);
}

/* PyTorch clamps each log at -100 so that x = 0 or 1 gives a finite loss (BCELoss docs). */
#define LOG_CLAMP ((accv_t)-100)
/* binary_cross_entropy_backward's floor on (1 - x) x, which keeps d/dx finite at x = 0 and 1. */
#define BCE_EPSILON ((accv_t)1e-12)

/* softplus(-x) = -log sigmoid(x) = log(1 + exp(-x)), as PyTorch (1.13) writes it:
 * log(exp(-m) + exp(-x - m)) + m with m = max(-x, 0). One of the two exps is exp(0) = 1 exactly
 * and the other is exp(-|x|), so log(1 + e) + m with e = exp(-|x|) is bitwise the same for every
 * finite x and needs one exp instead of two (the kernel is transcendental-bound); e is shared with
 * sigmoid and log sigmoid below. Neither form overflows, so logits of +-1e4 stay finite, and both
 * round alike (log of a sum, not log1p: softplus(-100) is exactly 0, as in PyTorch). At x = -inf
 * PyTorch's form is NaN (exp(-x - m) = exp(inf - inf)); so is this one. */
/* The transcendental part of the logits path from one exp: e = exp(-|x|), log(1 + e) and, when the input
 * gradient is wanted, 1 / (1 + e). The macros below are the builtins (float arithmetic on GPUs);
 * binary_cross_entropy_cpu.cl, which the host puts first for CPU devices with double arithmetic, defines
 * them on cpu_math16.cl's 16-lane polynomials instead.
 *   EXP_NEG(a)       exp(a) for a <= 0
 *   LOG_1PE(u)       log(u) for u = 1 + e in [1, 2] (the sum PyTorch takes the log of)
 *   LOG1P_UNIT(e)    log1p(e) for e in [0, 1] (log sigmoid: log1p, not the log of a rounded 1 + e, as at::log_sigmoid)
 *   LOG(v), LOG1P_NEG(x)   the probability path's log(v) and log1p(-x) */
#ifndef EXP_NEG
#define EXP_NEG(a) exp(a)
#define LOG_1PE(u) log(u)
#define LOG1P_UNIT(e) log1p(e)
#define LOG(v) log(v)
#define LOG1P_NEG(x) log1p(-(x))
#endif

inline accv_t log_one_plus_exp(accv_t x, accv_t *e_out, accv_t *inv_out) {
    const accv_t e = EXP_NEG(-fabs(x));
    const accv_t u = 1 + e;
    *e_out = e;
    *inv_out = 1 / u;   /* for the input gradient; the compiler drops it otherwise */
    return LOG_1PE(u);
}

inline accv_t softplus_neg(accv_t x, accv_t l1e) {
    const accv_t sp = l1e + fmax(-x, (accv_t)0);
    return x == (accv_t)(-INFINITY) ? (accv_t)NAN : sp;
}

__kernel void binary_cross_entropy(__global const real_t *x_in, __global const real_t *y_in,
                                   __global const real_t *w_in, __global const long *w_map, const ulong w_len,
                                   __global const real_t *pw_in, __global const long *pw_map, const ulong pw_len,
                                   const ulong n, const acc_t grad_scale,
                                   __global real_t *out, __global acc_t *partials,
                                   __global real_t *gx, __global real_t *gy,
                                   volatile __global int *bad SUM_ARGS) {
    __local acc_t scratch[WGS];
    sum_t total = SUM_ZERO;
#if REDUCE && VW > 1
    sum16_t lanes = SUM16_ZERO;
#endif
#if LAYOUT_CHUNKED
    /* The partition of FOR_EACH_INDEX (common.cl), walked VW at a time. */
    const ulong items = get_global_size(0);
    const ulong chunk = ((n + items - 1) / items + 15) & ~(ulong)15;
    const ulong end = min(min((ulong)get_global_id(0) * chunk, n) + chunk, n);
    for (ulong i = min((ulong)get_global_id(0) * chunk, n); i < end; i += VW) {
#else
    const ulong end = n;
    for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) {
#endif
        /* Padding lanes read x = 0.5, y = 0: finite everywhere; they are never stored or summed. */
        const accv_t x = load_vec(x_in, i, end, 0.5);
        const accv_t y = load_vec(y_in, i, end, 0);
#if CHECK_RANGE && !LOGITS
#if VW > 1
        if (any(!(x >= 0 && x <= 1)))   /* rare: then find the lanes */
#endif
        {
            acc_t a[VW];
            TO_LANES(x, a);
            for (int k = 0; k < VW && i + k < end; ++k) {
                if (!(a[k] >= 0 && a[k] <= 1)) flag_error(bad, i + k);
            }
        }
#endif
        const accv_t w = option_vec(WEIGHT_MODE, w_in, w_map, w_len, i, end);
#if LOGITS
        const accv_t p = option_vec(PW_MODE, pw_in, pw_map, pw_len, i, end);
        accv_t e, inv_u;
        const accv_t l1e = log_one_plus_exp(x, &e, &inv_u);
#if PW_MODE == 0
        /* PyTorch without pos_weight: ((1 - y) x + m) + log(...), in that order (with x < 0 and y = 0 the
         * first sum is exactly 0, so a tiny log term is kept). x = -inf gives -inf + inf = NaN by itself. */
        const accv_t l = w * (((1 - y) * x + fmax(-x, (accv_t)0)) + l1e);
#else
        /* PyTorch: (1 - y) x + (1 + (p - 1) y) softplus(-x). */
        const accv_t l = w * ((1 - y) * x + (1 + (p - 1) * y) * softplus_neg(x, l1e));
#endif
#else
        /* PyTorch: (y - 1) max(log1p(-x), -100) - y max(log x, -100). fmax would drop a NaN, so
         * compare explicitly (the input was checked to lie in [0, 1] anyway). */
        const accv_t lx = LOG(x), l1x = LOG1P_NEG(x);
        const accv_t l = w * ((y - 1) * (l1x < LOG_CLAMP ? LOG_CLAMP : l1x) - y * (lx < LOG_CLAMP ? LOG_CLAMP : lx));
#endif
#if REDUCE && VW == 1
        sum_add(&total, l);
#elif REDUCE
        /* Padding lanes of a chunk's partial last vector add 0. */
        lanes = sum16_add(lanes, i + VW <= end ? l : select(l, (accv_t)0, LANE_INDEX16 >= (acc16_mask_t)(end - i)));
#else
        store_vec(out, i, end, l);
#endif
#if GRAD_INPUT
#if LOGITS
        /* binary_cross_entropy_with_logits_backward: ((p y + 1 - y) sigmoid(x) - p y). */
        /* sigmoid(x) from e = exp(-|x|): 1 / (1 + e) for x >= 0, e / (1 + e) below. */
        const accv_t sig = (x >= 0 ? (accv_t)1 : e) * inv_u;
#if PW_MODE == 0
        store_vec(gx, i, end, w * (sig - y) * grad_scale);   /* p = 1: p y + 1 - y = 1 exactly */
#else
        const accv_t py = p * y;
        store_vec(gx, i, end, w * ((py + 1 - y) * sig - py) * grad_scale);
#endif
#else
        /* binary_cross_entropy_backward: (x - y) / max((1 - x) x, EPSILON). */
        store_vec(gx, i, end, w * (x - y) / fmax((1 - x) * x, BCE_EPSILON) * grad_scale);
#endif
#endif
#if GRAD_TARGET
#if LOGITS
        /* binary_cross_entropy_with_logits_target_backward: d/dy = -x + (p - 1) softplus(-x), which
         * PyTorch computes as -x without pos_weight and as log sigmoid(-x) - p log sigmoid(x) with it
         * (so that x = +-inf gives -+inf, not NaN). */
#if PW_MODE == 0
        store_vec(gy, i, end, w * -x * grad_scale);
#else
        /* log sigmoid(z) = min(z, 0) - log1p(exp(-|z|)) as at::log_sigmoid (finite for finite z,
         * -inf at z = -inf); for z = -x and z = x the log1p term is the same. */
        const accv_t lp = LOG1P_UNIT(e);
        store_vec(gy, i, end, w * ((fmin(-x, (accv_t)0) - lp) - p * (fmin(x, (accv_t)0) - lp)) * grad_scale);
#endif
#else
        /* binary_cross_entropy_target_backward: -logit(x) = log((1 - x) / x), unclamped. */
        store_vec(gy, i, end, w * -LOG(x / (1 - x)) * grad_scale);
#endif
#endif
    }
#if REDUCE && VW > 1
    total = sum16_total(lanes);
#endif
#if REDUCE
    FINISH_SUM(wg_sum(sum_get(total), scratch), scratch);
#endif
}
