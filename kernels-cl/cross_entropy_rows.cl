/* cross_entropy_rows.cl: the per-member row scans of cross_entropy.cl (declared there) for every device:
 * scalar loops over the member's classes, FOR_EACH_CLASS_IN's partition (on GPUs neighbouring work-items read
 * neighbouring classes). Sums of exps are compensated per work-item (common.cl: sum_t) and merged by the
 * team's fixed tree. cross_entropy_rows_cpu.cl is the CPU variant for contiguous float32 rows. */

/* Two loops over the member's classes rather than lse_add per element: the second re-reads them from cache,
 * and neither has a data-dependent rescale. */
lse_t member_lse_in(__global const real_t *x, ulong base, ulong D, ulong lo, ulong hi, acc_t *stash) {
    acc_t m = -INFINITY;
    int nan = 0;
    FOR_EACH_CLASS_IN(c, lo, hi) {
        const acc_t v = LOAD(x, base + c * CSTRIDE);
        nan |= isnan(v);
        m = fmax(m, v);
    }
    if (nan) return (lse_t){NAN, NAN};
    if (m == -INFINITY || m == INFINITY) return (lse_t){m, m == INFINITY ? (acc_t)1 : (acc_t)0};
    sum_t s = SUM_ZERO;
    FOR_EACH_CLASS_IN(c, lo, hi) sum_add(&s, exp(LOAD(x, base + c * CSTRIDE) - m));
    return (lse_t){m, sum_get(s)};
}

acc_t ce_index_member(__global const real_t *x, __global const real_t *weight, __global real_t *gx, ulong base,
                      ulong D, ulong C, long t, acc_t xt, acc_t lse, acc_t wt, acc_t eps, acc_t w_all, acc_t inv,
                      acc_t gscale, const acc_t *stash_mem, int use_stash, acc_t q) {
    sum_t smooth = SUM_ZERO;
    const acc_t sc = eps / C; /* each term scaled before the sum: w_c (lse - x_c) alone may overflow a float */
    FOR_EACH_CLASS(c, C) {
        const acc_t logp = LOAD(x, base + c * CSTRIDE) - lse;
        const acc_t wc = weight ? LOAD(weight, c) : (acc_t)1;
        if (eps > 0) sum_add(&smooth, sc * wc * -logp);
        if (GRAD_X) {
            const acc_t pm = (long)c == t ? expm1(logp) : exp(logp);
            acc_t g = (1 - eps) * wt * pm * inv;
            if (eps > 0) g += eps / C * (w_all * exp(logp) - wc) * inv;
            STORE(gx, base + c * CSTRIDE, g * gscale);
        }
    }
    return sum_get(smooth);
}
