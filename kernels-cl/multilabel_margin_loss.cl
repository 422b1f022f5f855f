/* multilabel_margin_loss, one row per (work-group | work-item), see rows.cl.
 * The row's targets y_0..y_{len-1} end at the first -1.  l = sum_j sum_{i not a target}
 * max(0, 1 - x[y_j] + x[i]) / C.  Each positive term adds 1/C to dl/dx_i and -1/C to dl/dx_{y_j}.
 *
 * work (int per element, a pooled temporary) holds, per row: -1 - (count of positive terms of that
 * target) for target classes, and the count of positive terms for the others. So the mask needs
 * no local memory whatever C is, counts are exact integers, and each non-target element is owned
 * by one work-item; only the row's leader touches target entries (after each per-target sum).
 * Build option GRAD. Entries outside [-1, C) (only device-resident targets reach the kernel with them)
 * raise err (common.cl: flag_error). */
__kernel void multilabel_margin_loss(__global const real_t *x, __global const long *target,
                                     const ulong rows, const ulong C, const acc_t grad_scale,
                                     __global real_t *out, __global acc_t *partials,
                                     __global int *work, __global real_t *gx, volatile __global int *err SUM_ARGS) {
    __local acc_t scratch[ROW_SCRATCH];
    sum_t total = SUM_ZERO;
    ROW_BEGIN(r, rows)
        const ulong base = r * C;
        /* length of the target list: position of the first -1 (or C) */
        acc_t first = (acc_t)C;
        ROW_FOR(j, C) {
            const long t = target[base + j];
            if (t < -1 || t >= (long)C) flag_error(err, base + j); /* PyTorch checks every entry, also after the first -1 */
            if (t < 0 && (acc_t)j < first) first = (acc_t)j;
            work[base + j] = 0;
        }
        const ulong len = (ulong)row_min(first, scratch);
        ROW_SYNC();
        bool bad = false;
        if (ROW_LEADER) {
            for (ulong j = 0; j < len; ++j) {
                const long t = target[base + j];
                if (t >= (long)C) bad = true; else work[base + t] = -1;
            }
        }
        ROW_SYNC();
        acc_t lsum = 0;
        for (ulong j = 0; j < len; ++j) {
            const long t = target[base + j];
            const acc_t xy = LOAD(x, base + (t < (long)C ? (ulong)t : 0));
            acc_t cnt = 0;
            ROW_FOR(i, C) {
                const int wi = work[base + i];
                if (wi >= 0) {
                    const acc_t z = 1 - xy + LOAD(x, base + i);
                    if (z > 0) {
                        lsum += z;
                        cnt += 1;
                        work[base + i] = wi + 1;
                    }
                }
            }
#if GRAD
            cnt = row_sum(cnt, scratch);
            /* row_sum's barriers fence local memory only: order this sweep's global reads of work[]
             * before the leader's write, and the write before the next target's sweep. */
            ROW_SYNC();
            if (ROW_LEADER && t < (long)C) work[base + t] -= (int)cnt;
            ROW_SYNC();
#endif
        }
        lsum = row_sum(lsum, scratch);
        row_emit(r, bad ? NAN : lsum / (acc_t)C, out, &total);
#if GRAD
        ROW_SYNC();
        const acc_t gs = bad ? NAN : grad_scale / (acc_t)C;
        ROW_FOR(i, C) {
            const int wi = work[base + i];
            STORE(gx, base + i, gs * (acc_t)(wi >= 0 ? wi : wi + 1));
        }
#endif
    ROW_END
    row_finish(partials, total, scratch);
}
