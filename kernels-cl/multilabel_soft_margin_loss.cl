/* multilabel_soft_margin_loss, one row per (work-group | work-item), see rows.cl.
 * e_j = w_j * (-(y_j log s(x_j) + (1 - y_j) log s(-x_j)))  with log s(x) = min(x, 0) - log1p(exp(-|x|))
 * (stable for large |x|); l = sum_j e_j / C.  The gradients do not need the row's sum:
 * de/dx = w ((1 - y) sigmoid(x) - y sigmoid(-x)) (= w (sigmoid(x) - y), but keeps the tiny
 * sigmoid(-x) of a confident logit that 1 - sigmoid(x) would round to 0), de/dy = -w x (log s(x) - log s(-x) = x), written in the same pass.
 * Build options: WEIGHT_MODE (0 none, 1 one weight per column, 2 a full weight of the input's shape),
 * GRAD_MASK (bit 0 input, bit 1 target). */
inline acc_t log_sigmoid(acc_t x) { return fmin(x, (acc_t)0) - log1p(exp(-fabs(x))); }
inline acc_t sigm(acc_t x) { return 1 / (1 + exp(-x)); }

__kernel void multilabel_soft_margin_loss(__global const real_t *x, __global const real_t *y,
                                          __global const real_t *weight, const ulong rows,
                                          const ulong C, const acc_t inv_c, const acc_t grad_scale,
                                          __global real_t *out, __global acc_t *partials,
                                          __global real_t *gx, __global real_t *gy SUM_ARGS) {
    __local acc_t scratch[ROW_SCRATCH];
    sum_t total = SUM_ZERO;
    ROW_BEGIN(r, rows)
        const ulong base = r * C;
        sum_t s = SUM_ZERO;   /* compensated: a work-item may own a whole long row */
        ROW_FOR(j, C) {
            const acc_t xv = LOAD(x, base + j), yv = LOAD(y, base + j);
#if WEIGHT_MODE == 1
            const acc_t w = LOAD(weight, j);
#elif WEIGHT_MODE == 2
            const acc_t w = LOAD(weight, base + j);
#else
            const acc_t w = 1;
#endif
            sum_add(&s, -w * (yv * log_sigmoid(xv) + (1 - yv) * log_sigmoid(-xv)));
#if GRAD_MASK & 1
            STORE(gx, base + j, w * ((1 - yv) * sigm(xv) - yv * sigm(-xv)) * grad_scale);
#endif
#if GRAD_MASK & 2
            STORE(gy, base + j, -w * xv * grad_scale);
#endif
        }
        row_emit(r, row_sum(sum_get(s), scratch) * inv_c, out, &total);
    ROW_END
    row_finish(partials, total, scratch);
}
