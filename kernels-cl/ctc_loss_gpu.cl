/* ctc_loss_gpu.cl: ctc_loss.cl's kernel with a work-group per sequence (GPUs; the host appends this file
 * instead of ctc_loss_cpu.cl unless LaunchConfig.ctcSerial). */
__kernel void ctc_loss(CTC_LOSS_ARGS) {
    const int n = get_group_id(0);
    const int lid = get_local_id(0);
    const int wgs = get_local_size(0);
    CTC_SEQUENCE(n)
#define LP_ROW(t) (lp + (ulong)(t) * rowStride + (ulong)n * (ulong)C)

    /* ---- alpha, forward in time ---- */
    if (il > 0) {
        __global const real_t *row0 = LP_ROW(0);
        for (int s = lid; s < L; s += wgs) {
            alpha[s] = s == 0 ? LOAD(row0, blank) : (s == 1 ? LOAD(row0, tg[0]) : NEG_INF);
        }
        barrier(CLK_GLOBAL_MEM_FENCE);
        for (int t = 1; t < il; ++t) {
            __global const acc_t *prev = alpha + (ulong)((t - 1) % rows) * L;
            __global acc_t *cur = alpha + (ulong)(t % rows) * L;
            __global const real_t *row = LP_ROW(t);
            for (int s = lid; s < L; s += wgs) {
                const long ls = EXT(s);
                const acc_t a1 = prev[s];
                const acc_t a2 = s > 0 ? prev[s - 1] : NEG_INF;
                const acc_t a3 = (s > 1 && EXT(s - 2) != ls) ? prev[s - 2] : NEG_INF;
                cur[s] = log_add3(a1, a2, a3) + LOAD(row, ls);
            }
            barrier(CLK_GLOBAL_MEM_FENCE);
        }
    }

    /* ---- the loss: -log(alpha_{il-1}(L-1) + alpha_{il-1}(L-2)); an empty input produces exactly the
     * empty target ---- */
    const acc_t nll = ctc_nll(alpha, rows, L, il, tl);
    const int zeroed = zero_infinity && nll == (acc_t)INFINITY;
    const acc_t loss = zeroed ? (acc_t)0 : nll;
    const acc_t reduced = lid == 0 ? ctc_emit(out, n, mode, loss, tl) : (acc_t)0;

#if CTC_GRAD
    __local acc_t scratch[WGS];
    /* every work-item has read the last alpha row for nll before the beta pass overwrites it with
     * alpha + beta (oclgrind reported this read-write race) */
    barrier(CLK_GLOBAL_MEM_FENCE);
    /* d(reduced)/d(loss_n): 1 for none and sum; 1 / max(tl, 1) / N for mean */
    const acc_t up = mode == 2 ? (acc_t)1 / (acc_t)max(tl, 1) / (acc_t)N : (acc_t)1;
    const int live = zeroed ? 0 : il; /* time steps with a nonzero gradient */
    for (int t = live; t < T; ++t) {
        __global real_t *grow = grad + (ulong)t * rowStride + (ulong)n * (ulong)C;
        for (int c = lid; c < C; c += wgs) STORE(grow, c, (acc_t)0);
    }
    __global acc_t *beta = work + meta[5 * n + 4];
    __global const long *next = tinfo + M + meta[5 * n + 2];
    __global const long *first = tinfo + 2 * M + meta[5 * n + 2];

    /* ---- beta, backward in time, with the gradient of row t as soon as beta_t is known ---- */
    for (int t = live - 1; t >= 0; --t) {
        __global acc_t *cur = beta + (ulong)(t % 2) * L;
        __global const acc_t *nxt = beta + (ulong)((t + 1) % 2) * L;
        __global acc_t *ab = alpha + (ulong)t * L; /* alpha row t, becomes alpha + beta */
        __global const real_t *row = LP_ROW(t);
        __global real_t *grow = grad + (ulong)t * rowStride + (ulong)n * (ulong)C;
        for (int s = lid; s < L; s += wgs) {
            const long ls = EXT(s);
            acc_t b;
            if (t == il - 1) {
                b = (s == L - 1 || s == L - 2) ? LOAD(row, ls) : NEG_INF;
            } else {
                const acc_t b1 = nxt[s];
                const acc_t b2 = s < L - 1 ? nxt[s + 1] : NEG_INF;
                const acc_t b3 = (s < L - 2 && EXT(s + 2) != ls) ? nxt[s + 2] : NEG_INF;
                b = log_add3(b1, b2, b3) + LOAD(row, ls);
            }
            cur[s] = b;
            ab[s] += b;
        }
        /* every class first gets the formula with an empty occupancy sum */
        for (int c = lid; c < C; c += wgs) {
            STORE(grow, c, ctc_grad(LOAD(row, c), NEG_INF, nll, up));
        }
        barrier(CLK_GLOBAL_MEM_FENCE);

        /* blank: log-sum-exp over every position labelled blank, as a work-group max then sum */
        acc_t m = NEG_INF;
        for (int s = lid; s < L; s += wgs) {
            if (EXT(s) == blank) {
                const acc_t v = ab[s];
                m = (isnan(m) || m >= v) ? m : v;
            }
        }
        m = wg_max(m, scratch);
        const acc_t shift = m == NEG_INF ? (acc_t)0 : m;
        acc_t e = 0;
        for (int s = lid; s < L; s += wgs) {
            if (EXT(s) == blank) e += exp(ab[s] - shift);
        }
        e = wg_sum(e, scratch);
        if (lid == 0) STORE(grow, blank, ctc_grad(LOAD(row, blank), log(e) + shift, nll, up));

        /* every other class of the target, by the work-item holding its first occurrence */
        for (int k = lid; k < tl; k += wgs) {
            const long c = tg[k];
            if (first[k] != 0 && c != blank) {
                acc_t v = NEG_INF;
                for (long j = k; j >= 0; j = next[j]) v = log_add3(v, ab[2 * j + 1], NEG_INF);
                STORE(grow, c, ctc_grad(LOAD(row, c), v, nll, up));
            }
        }
        barrier(CLK_GLOBAL_MEM_FENCE);
    }
#endif
#if REDUCE
    __local acc_t fin_scratch[WGS];
    FINISH_SUM(reduced, fin_scratch);
#endif
#undef LP_ROW
}
