/* ctc_loss_cpu.cl: the CPU variant of ctc_loss.cl's kernel (the host appends this file instead of
 * ctc_loss_gpu.cl where LaunchConfig.ctcSerial: the CPU profile, or forced).
 *
 * Local id 0 of each work-group runs the whole recursion of its sequence; the other work-items wait for
 * it at the end. No barrier inside the recursion: on POCL every barrier inside the time loop splits the
 * work-group's implicit loop over work-items, which cost far more than the arithmetic (the one barrier is
 * the reduction's, FINISH_SUM, after it). The rows are vectorised
 * explicitly instead (VW-wide acc_t vectors over s).
 *
 * One exp and one log per cell instead of log_add3's three exps and a log: with m the maximum of the
 * previous row (found by the pass that wrote it), ex(s) = exp(prev(s) - m) once per position (a vector pass), then
 *   cur(s) = (m + log(ex(s) + ex(s-1) + [skip] ex(s-2))) + lp(t, l'_s)    (a vector pass).
 * This is log_add3 shifted by the row maximum instead of the three-term maximum, and as accurate while
 * the sum is a normal number. A cell whose sum falls below CTC_TINY (all three terms ~700 nats, in
 * double, below the row maximum, where exp underflows or goes subnormal) is recomputed exactly with
 * log_add3; NaN sums are kept, so -inf and NaN propagate cell by cell as in PyTorch.
 *
 * Gradient per time step: the occupancy of position s, exp(((alpha + beta)(s) + nll) - lp(t, l'_s)),
 * lies in [0, 1] (alpha and beta both include lp(t)), so PyTorch's per-class
 *   exp(lse_{s: l'_s = c}(alpha + beta) + nll - lp(t, c))
 * is a plain sum of these terms, added in increasing s (deterministic) into per-class bins. A class
 * absent from the target keeps the empty-sum form ctc_grad(lp, -inf, ...), as in the other variant.
 *
 * Scratch per sequence (at meta offset 4): beta ring (2L, with CTC_GRAD) | ex (L + 4: two zero pads
 * each side) | lpr (L: lp(t, l'_s) of the current row) | skip (L + 2) | l' (L ints in L acc_t) |
 * bins (C, with CTC_GRAD). l' and the skip flags are built once per sequence; each row reads its L
 * log_probs once (a gather into lpr), then runs two vector passes (exp, then sum + log + max).
 */
#if USE_FP64
typedef double8 accv_t;
#define CTC_TINY 0x1p-1000 /* above it a sum of exps is a normal double: full relative precision */
/* cpu_math16.cl's vector exp (2^-46) and log (2^-43 of the result), which the host prepends: POCL's double
 * exp and log builtins took most of the recursion's time. Per-step errors this size add up to ~1e-10 relative
 * over T = 1000 steps, far below a float result's ulp. */
#define VEXP(v) exp8(v)
#define VLOG(v) log8_f(v)
#else
#define VEXP(v) exp(v)
#define VLOG(v) log(v)
typedef float8 accv_t;
#define CTC_TINY 0x1p-100f
#endif
#define VW 8
#define VLOAD(p) vload8(0, (p))
#define VSTORE(v, p) vstore8((v), 0, (p))
#define ABSENT ((acc_t)-1) /* bin marker: a sum of exps is never negative */

/* Row passes over s in VW-wide vectors. A row whose length is not a multiple of VW ends with one vector
 * overlapping the previous one ([L - VW, L)), which recomputes a few cells with the same inputs and so
 * the same values, instead of a scalar tail of exps and logs; only rows shorter than VW run scalar. */

/* Horizontal maximum of a vector (fmax: NaN lanes are skipped). */
inline acc_t ctc_vmax(const accv_t v) {
    return fmax(fmax(fmax(v.s0, v.s1), fmax(v.s2, v.s3)), fmax(fmax(v.s4, v.s5), fmax(v.s6, v.s7)));
}

/* Maximum of x[0..L) (fmax: NaN is skipped here and propagates through its own cell), -inf if empty. */
inline acc_t ctc_row_max(__global const acc_t *x, const int L) {
    acc_t m = NEG_INF;
    if (L < VW) {
        for (int s = 0; s < L; ++s) m = fmax(m, x[s]);
        return m;
    }
    accv_t mv = VLOAD(x + L - VW);
    for (int s = 0; s + VW <= L; s += VW) mv = fmax(mv, VLOAD(x + s));
    return ctc_vmax(mv);
}

/* ex[s] = exp(x[s] - shift) over the blocks that ctc_row_step computes for cells [lo, hi) (the cells it
 * reads outside them are the zero pads). */
inline void ctc_row_exp(__global acc_t *ex, __global const acc_t *x, const int L, const acc_t shift,
                        const int lo, const int hi) {
    if (L < VW) {
        for (int s = 0; s < L; ++s) ex[s] = exp(x[s] - shift);
        return;
    }
    int s = lo / VW * VW;
    for (; s + VW <= L && s < hi; s += VW) VSTORE(VEXP(VLOAD(x + s) - shift), ex + s);
    if (s < hi) VSTORE(VEXP(VLOAD(x + L - VW) - shift), ex + L - VW);
}

/* l'_{s-2} != l'_s at position s (the skip transition into s): odd s past the first label whose label
 * differs from the previous one. */
inline int ctc_skip(__global const long *tg, const int s) {
    return (s & 1) != 0 && s > 1 && tg[s >> 1] != tg[(s >> 1) - 1];
}

/* Exact log-space cell (the rare underflow path): alpha (backward = 0) reads prev at s, s-1, s-2;
 * beta (backward = 1) at s, s+1, s+2. */
inline acc_t ctc_exact(__global const acc_t *prev, __global const long *tg, const int s, const int L,
                       const int backward) {
    const acc_t a = prev[s];
    const acc_t b = backward ? (s < L - 1 ? prev[s + 1] : NEG_INF) : (s > 0 ? prev[s - 1] : NEG_INF);
    const acc_t c = backward ? ((s < L - 2 && ctc_skip(tg, s + 2)) ? prev[s + 2] : NEG_INF)
                             : (ctc_skip(tg, s) ? prev[s - 2] : NEG_INF);
    /* the common case here, a cell no path reaches yet: log_add3 would give -inf after three exps */
    if (a == NEG_INF && b == NEG_INF && c == NEG_INF) return NEG_INF;
    return log_add3(a, b, c);
}

/* One recursion step for cells [s, s + VW), from the shifted exps ex of the previous row (zero-padded
 * by two on each side): alpha (backward = 0) sums positions s, s-1 and, where skip[s], s-2; beta
 * (backward = 1) s, s+1 and, where skip[s+2], s+2. cur = (shift + log(sum)) + lpr; a cell whose sum is
 * below CTC_TINY (not NaN) is recomputed exactly from the log-space row `prev`. Returns the maximum of
 * the new cells (the next step's shift). Reads ex, writes cur: repeating cells gives the same values. */
inline accv_t ctc_step_vec(__global acc_t *cur, __global const acc_t *ex, __global const acc_t *lpr,
                           __global const acc_t *skip, __global const acc_t *prev, __global const long *tg,
                           const int L, const acc_t shift, const int backward, const int s) {
    const int d = backward ? 1 : -1;
    const accv_t e2 = select((accv_t)0, VLOAD(ex + s + 2 * d), VLOAD(skip + (backward ? s + 2 : s)) != (accv_t)0);
    const accv_t sum = VLOAD(ex + s) + VLOAD(ex + s + d) + e2;
    const accv_t v = (shift + VLOG(sum)) + VLOAD(lpr + s);
    VSTORE(v, cur + s);
    if (!any(isless(sum, (accv_t)CTC_TINY))) return v;
    acc_t sums[VW];
    vstore8(sum, 0, sums);
    for (int k = 0; k < VW; ++k) {
        if (isless(sums[k], (acc_t)CTC_TINY)) cur[s + k] = ctc_exact(prev, tg, s + k, L, backward) + lpr[s + k];
    }
    return VLOAD(cur + s);
}

/* A whole row: cur from ex (see ctc_step_vec); returns the row's maximum. Only cells in [lo, hi) can be
 * reached (alpha at step t: s <= 2t + 1; beta at t: s >= L - 2 (il - t)): the blocks holding them are
 * computed, every other cell is -inf, without the exact path that an unreachable cell's zero sum takes.
 * (Cells of those blocks outside [lo, hi) may come out below their exact value: they feed no cell inside.) */
inline acc_t ctc_row_step(__global acc_t *cur, __global const acc_t *ex, __global const acc_t *lpr,
                          __global const acc_t *skip, __global const acc_t *prev, __global const long *tg,
                          const int L, const acc_t shift, const int backward, const int lo, const int hi) {
    if (L < VW) {
        acc_t m = NEG_INF;
        for (int s = 0; s < L; ++s) {
            const int d = backward ? 1 : -1;
            const acc_t sum = ex[s] + ex[s + d] + (skip[backward ? s + 2 : s] != 0 ? ex[s + 2 * d] : (acc_t)0);
            cur[s] = isless(sum, (acc_t)CTC_TINY) ? ctc_exact(prev, tg, s, L, backward) + lpr[s]
                                                  : (shift + log(sum)) + lpr[s];
            m = fmax(m, cur[s]);
        }
        return m;
    }
    accv_t mv = (accv_t)NEG_INF;
    const int first = lo / VW * VW;
    for (int s = 0; s < first; s += VW) VSTORE((accv_t)NEG_INF, cur + s);
    int s = first;
    for (; s + VW <= L && s < hi; s += VW) mv = fmax(mv, ctc_step_vec(cur, ex, lpr, skip, prev, tg, L, shift, backward, s));
    if (s < hi) {
        mv = fmax(mv, ctc_step_vec(cur, ex, lpr, skip, prev, tg, L, shift, backward, L - VW));
    } else {
        for (; s < L; ++s) cur[s] = NEG_INF;
    }
    return ctc_vmax(mv);
}

/* Occupancy terms of positions [s, s + VW): exp(((alpha + beta) + nll) - lp(t, l'_s)). */
inline void ctc_occ_vec(__global acc_t *ex, __global const acc_t *al, __global const acc_t *be,
                        __global const acc_t *lpr, const acc_t nll, const int s) {
    VSTORE(VEXP(((VLOAD(al + s) + VLOAD(be + s)) + nll) - VLOAD(lpr + s)), ex + s);
}

/* Whole vectors of log_probs / grad elements (ctc_loss takes float32 or float64 only). STORE's rounding:
 * convert_float8 rounds to nearest even, as the scalar (float) conversion. */
#if DTYPE_F64
#define CTC_VREAL 1
#define VLOAD_REAL(p) vload8(0, (p))
#define VSTORE_REAL(v, p) vstore8((v), 0, (p))
#elif DTYPE_F16 || DTYPE_BF16
#define CTC_VREAL 0
#else
#define CTC_VREAL 1
#if USE_FP64
#define VLOAD_REAL(p) convert_double8(vload8(0, (p)))
#else
#define VLOAD_REAL(p) vload8(0, (p))
#endif
#define VSTORE_REAL(v, p) vstore8(convert_float8(v), 0, (p))
#endif

#if CTC_VREAL
/* Gradient of classes [c, c + VW) at one time step, ctc_grad's formula: a class present in the target
 * subtracts its occupancy sum, an absent one exp((-inf + nll) - lp) (0, or NaN as in PyTorch). */
inline void ctc_grad_vec(__global real_t *grow, __global const real_t *row, __global const acc_t *bins,
                         const acc_t nll, const acc_t up, const int c) {
    const accv_t lpc = VLOAD_REAL(row + c);
    const accv_t b = VLOAD(bins + c);
    /* exp((-inf + nll) - lp) without the exp: the argument is -inf (exp gives 0) or NaN, never finite */
    const accv_t arg = (NEG_INF + nll) - lpc;
    const accv_t absent = select(arg, (accv_t)0, isequal(arg, (accv_t)NEG_INF));
    VSTORE_REAL((VEXP(lpc) - select(b, absent, b == (accv_t)ABSENT)) * up, grow + c);
}
#endif

/* lpr[s] = lp(t, l'_s) from the step's row of log_probs; returns 1 if one of them is NaN or +inf. Scalar
 * loads: vectorised, this loop becomes gather instructions, which on x86 CPUs (AMD's above all) cost several
 * times the plain loads they replace and took a third of the recursion. */
inline int ctc_gather_row(__global acc_t *lpr, __global const real_t *row, __global const int *lab, const int L) {
    int bad = 0;
#pragma clang loop vectorize(disable)
    for (int s = 0; s < L; ++s) {
        lpr[s] = LOAD(row, lab[s]);
        bad |= !(lpr[s] < INFINITY);
    }
    return bad;
}

/* Sequence n = the group's id, run by its work-item 0; returns what it adds to a reduction (ctc_emit). */
inline acc_t ctc_serial_sequence(CTC_LOSS_PARAMS) {
    const int n = get_group_id(0);
    CTC_SEQUENCE(n)
    __global acc_t *scr = work + meta[5 * n + 4];
    __global acc_t *beta = scr;                             /* 2L, with CTC_GRAD */
    __global acc_t *ex = scr + (CTC_GRAD ? 2 * L : 0) + 2;  /* ex[-2 .. L+1], pads zero */
    __global acc_t *lpr = ex + L + 2;                       /* L */
    __global acc_t *skip = lpr + L;                         /* L + 2: 1 where l'_s != l'_{s-2}, pads 0 */
    __global int *lab = (__global int *)(skip + L + 2);     /* L ints (in L acc_t): l'_s */
    __global acc_t *bins = skip + L + 2 + L;                /* C, with CTC_GRAD */
#define LP_ROW(t) (lp + (ulong)(t) * rowStride + (ulong)n * (ulong)C)
    ex[-2] = 0; ex[-1] = 0; ex[L] = 0; ex[L + 1] = 0;
    for (int s = 0; s < L; ++s) {
        lab[s] = (s & 1) ? (int)tg[s >> 1] : (int)blank;
        skip[s] = ctc_skip(tg, s) ? (acc_t)1 : (acc_t)0;
    }
    skip[L] = 0; skip[L + 1] = 0;

    /* ---- alpha ---- */
    if (il > 0) {
        __global const real_t *row0 = LP_ROW(0);
        for (int s = 0; s < L; ++s) alpha[s] = s == 0 ? LOAD(row0, blank) : (s == 1 ? LOAD(row0, tg[0]) : NEG_INF);
        acc_t m = ctc_row_max(alpha, L);
        /* A NaN or +inf log-prob makes even an unreachable cell NaN, as in PyTorch, which may then spread:
         * from the first one on, every cell is computed. */
        int every = 0;
        for (int t = 1; t < il; ++t) {
            __global const acc_t *prev = alpha + (ulong)((t - 1) % rows) * L;
            __global acc_t *cur = alpha + (ulong)(t % rows) * L;
            __global const real_t *row = LP_ROW(t);
            const acc_t shift = m == NEG_INF ? (acc_t)0 : m;
            every |= ctc_gather_row(lpr, row, lab, L);
            /* Cells [lo, hi): reachable from the start (s <= 2t + 1) and still able to reach the end by step
             * il - 1 (s >= L - 2 (il - t)); a cell below lo feeds only cells below the next lo, and its beta is
             * -inf, so it adds to neither the loss nor the gradient. The exps also cover the two cells before
             * the first computed block, which its cells read. */
            const int lo = every ? 0 : max(0, L - 2 * (il - t)), hi = every ? L : min(L, 2 * t + 2);
            ctc_row_exp(ex, prev, L, shift, max(0, lo / VW * VW - 2), hi);
            m = ctc_row_step(cur, ex, lpr, skip, prev, tg, L, shift, 0, lo, hi);
        }
    }

    const acc_t nll = ctc_nll(alpha, rows, L, il, tl);
    const int zeroed = zero_infinity && nll == (acc_t)INFINITY;
    const acc_t loss = zeroed ? (acc_t)0 : nll;
    const acc_t reduced = ctc_emit(out, n, mode, loss, tl);

#if CTC_GRAD
    const acc_t up = mode == 2 ? (acc_t)1 / (acc_t)max(tl, 1) / (acc_t)N : (acc_t)1;
    const int live = zeroed ? 0 : il;
    for (int t = live; t < T; ++t) {
        __global real_t *grow = grad + (ulong)t * rowStride + (ulong)n * (ulong)C;
        for (int c = 0; c < C; ++c) STORE(grow, c, (acc_t)0);
    }
    acc_t m = NEG_INF; /* maximum of the beta row just computed */
    int every = 0;     /* as alpha's: every cell from the first NaN or +inf log-prob on */
    for (int t = live - 1; t >= 0; --t) {
        __global acc_t *cur = beta + (ulong)(t % 2) * L;
        __global const acc_t *nxt = beta + (ulong)((t + 1) % 2) * L;
        __global const acc_t *al = alpha + (ulong)t * L;
        __global const real_t *row = LP_ROW(t);
        __global real_t *grow = grad + (ulong)t * rowStride + (ulong)n * (ulong)C;
        every |= ctc_gather_row(lpr, row, lab, L);
        if (t == il - 1) {
            for (int s = 0; s < L; ++s) cur[s] = (s == L - 1 || s == L - 2) ? lpr[s] : NEG_INF;
            m = ctc_row_max(cur, L);
        } else {
            const acc_t shift = m == NEG_INF ? (acc_t)0 : m;
            const int lo = every ? 0 : max(0, L - 2 * (il - t));
            ctc_row_exp(ex, nxt, L, shift, lo, L);
            m = ctc_row_step(cur, ex, lpr, skip, nxt, tg, L, shift, 1, lo, L);
        }
        /* occupancy terms exp(((alpha + beta) + nll) - lp) into ex, then per-class bins in s order */
        if (L < VW) {
            for (int s = 0; s < L; ++s) ex[s] = exp(((al[s] + cur[s]) + nll) - lpr[s]);
        } else {
            for (int s = 0; s + VW <= L; s += VW) ctc_occ_vec(ex, al, cur, lpr, nll, s);
            if (L % VW != 0) ctc_occ_vec(ex, al, cur, lpr, nll, L - VW);
        }
        for (int c = 0; c < C; ++c) bins[c] = ABSENT;
        for (int s = 0; s < L; ++s) {
            const int c = lab[s];
            bins[c] = bins[c] == ABSENT ? ex[s] : bins[c] + ex[s];
        }
#if CTC_VREAL
        if (C >= VW) {
            for (int c = 0; c + VW <= C; c += VW) ctc_grad_vec(grow, row, bins, nll, up, c);
            if (C % VW != 0) ctc_grad_vec(grow, row, bins, nll, up, C - VW);
        } else
#endif
        for (int c = 0; c < C; ++c) {
            const acc_t lpc = LOAD(row, c);
            const acc_t b = bins[c];
            STORE(grow, c, b == ABSENT ? ctc_grad(lpc, NEG_INF, nll, up) : (exp(lpc) - b) * up);
        }
    }
#endif
#undef LP_ROW
    return reduced;
}

/* The only barrier is FINISH_SUM's, after the whole recursion: the other work-items wait there. */
__kernel void ctc_loss(CTC_LOSS_ARGS) {
    const acc_t reduced = get_local_id(0) == 0 ? ctc_serial_sequence(CTC_LOSS_NAMES) : (acc_t)0;
#if REDUCE
    __local acc_t scratch[WGS];
    FINISH_SUM(reduced, scratch);
#endif
}

