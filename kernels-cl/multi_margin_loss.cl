/* multi_margin_loss, one row per (work-group | work-item), see rows.cl.
 * Row r with class y:  l = w[y] * sum_{i != y} h(z_i) / C,  z_i = margin - x[y] + x[i],
 * h(z) = max(0, z)^P.  The row's two sums (of h and of h') are reduced together; then
 * dl/dx_i = w[y] h'(z_i) / C (i != y) and dl/dx_y = -w[y] sum_i h'(z_i) / C, written in the same launch.
 * Build options: P (1 or 2), HAS_WEIGHT, GRAD. A target outside [0, C) (possible only for
 * device-resident targets; host targets are checked before launch) raises err (common.cl: flag_error). */
#ifndef P
#define P 1
#endif

inline acc_t mm_h(acc_t z) { return z > 0 ? (P == 1 ? z : z * z) : 0; }
inline acc_t mm_dh(acc_t z) { return z > 0 ? (P == 1 ? (acc_t)1 : 2 * z) : 0; }

__kernel void multi_margin_loss(__global const real_t *x, __global const long *target,
                                __global const real_t *weight, const ulong rows, const ulong C,
                                const acc_t margin, const acc_t grad_scale, __global real_t *out,
                                __global acc_t *partials, __global real_t *gx,
                                volatile __global int *err SUM_ARGS) {
    __local acc_t scratch[ROW_SCRATCH];
    sum_t total = SUM_ZERO;
    ROW_BEGIN(r, rows)
        const long t = target[r];
        const bool bad = t < 0 || (ulong)t >= C;
        if (bad) flag_error(err, r);
        const ulong y = bad ? 0 : (ulong)t;
        const ulong base = r * C;
        const acc_t xy = LOAD(x, base + y);
#if HAS_WEIGHT
        const acc_t w = LOAD(weight, y);
#else
        const acc_t w = 1;
#endif
        acc_t v[2] = {0, 0};
        ROW_FOR(i, C) {
            if (i != y) {
                const acc_t z = margin - xy + LOAD(x, base + i);
                v[0] += mm_h(z);
                v[1] += mm_dh(z);
            }
        }
        row_sums(v, 2, scratch);
        row_emit(r, bad ? NAN : w * v[0] / (acc_t)C, out, &total);
#if GRAD
        const acc_t gs = bad ? NAN : w * grad_scale / (acc_t)C;
        ROW_FOR(i, C) {
            const acc_t g = i == y ? -v[1] : mm_dh(margin - xy + LOAD(x, base + i));
            STORE(gx, base + i, gs * g);
        }
#endif
    ROW_END
    row_finish(partials, total, scratch);
}
