/* cross_entropy_rows_cpu.cl: the CPU variant of cross_entropy_rows.cl (the host builds it instead, for
 * contiguous float32 rows on the chunked layout). A CPU work-item is a loop over one core's vector lanes, so
 * each team member reads its classes in explicit 16-wide blocks: the implicit vectorisation across
 * work-items would gather one element from each of 16 rows, and only whole-block loads stream memory.
 * The exps are ROW_EXP16 on 16 acc_t lanes: under FLOAT cpu_math16_float.cl's exp_neg16_float (about a float
 * ulp, as PyTorch's); under DOUBLE cpu_math16.cl's exp_neg16_f (x - max and x - lse are <= 0; relative error
 * 2^-39.8, so even label smoothing's cancelling eps/C (W p_c - w_c) stays within a float ulp). */
#if USE_FP64
#define ROW_EXP16 exp_neg16_f
#else
#define ROW_EXP16 exp_neg16_float
#endif

/* Lanes [from, to) of p (at most 16) as a float16 whose other lanes are pad: the partial blocks at the ends
 * of a member's classes go through the same vector code as the whole blocks. */
inline float16 part16(__global const float *p, ulong from, ulong to, float pad) {
    float a[16];
    for (int j = 0; j < 16; ++j) a[j] = from + j < to ? p[from + j] : pad;
    return vload16(0, a);
}

/* Lanes of a 16-vector summed in a fixed order (deterministic). */
#define HSUM16(v) ((((v).s0 + (v).s1) + ((v).s2 + (v).s3)) + (((v).s4 + (v).s5) + ((v).s6 + (v).s7)) \
                 + ((((v).s8 + (v).s9) + ((v).sa + (v).sb)) + (((v).sc + (v).sd) + ((v).se + (v).sf))))
#define HMAX16(v) fmax(fmax(fmax(fmax((v).s0, (v).s1), fmax((v).s2, (v).s3)), fmax(fmax((v).s4, (v).s5), fmax((v).s6, (v).s7))), \
                       fmax(fmax(fmax((v).s8, (v).s9), fmax((v).sa, (v).sb)), fmax(fmax((v).sc, (v).sd), fmax((v).se, (v).sf))))

/* The last block of [from, to) as a whole vector: the 16 elements ending at `to` where the range holds 16
 * (an unaligned load, overlapping the blocks before it), else the range padded with `pad`. */
inline float16 last16(__global const float *p, ulong from, ulong to, float pad) {
    return to - from >= 16 ? vload16(0, p + to - 16) : part16(p, from, to, pad);
}

/* This team member's (max, sum exp(x - max)) over its classes [lo, hi) of the contiguous row at base, as
 * cross_entropy_rows.cl's; with stash, each exp(x_c - max) is also kept for the gradient (see class_rows). */
lse_t member_lse_in(__global const real_t *x, ulong base, ulong D, ulong lo, ulong hi, acc_t *stash) {
    /* Whole 16-wide blocks from the first class, unaligned, and one last block ending at the last class
     * that overlaps the previous one: every element is read by vector loads (a scalar head and tail, or
     * lanes assembled one by one, cost as much as the blocks of a short row). The overlap is harmless to the
     * max and masked out of the sum. */
    const ulong cb = class_begin_in(lo, hi), ce = class_end_in(lo, hi);
    __global const float *row = x + base;
    /* The max: a compare-and-select skips NaN lanes without a per-block NaN test; a NaN still reaches the
     * sum below, since exp(NaN) is NaN, and makes the row's lse, loss and gradient NaN. Two accumulators
     * halve the dependency chain. */
    float16 mv0 = last16(row, cb, ce, -INFINITY), mv1 = mv0;
    ulong c = cb;
    for (; c + 32 <= ce; c += 32) {
        const float16 v0 = vload16(0, row + c), v1 = vload16(0, row + c + 16);
        mv0 = select(mv0, v0, v0 > mv0);
        mv1 = select(mv1, v1, v1 > mv1);
    }
    if (c + 16 <= ce) {
        const float16 v0 = vload16(0, row + c);
        mv0 = select(mv0, v0, v0 > mv0);
    }
    const acc_t m = HMAX16(select(mv0, mv1, mv1 > mv0));
    if (m == -INFINITY || m == INFINITY) return (lse_t){m, m == INFINITY ? (acc_t)1 : (acc_t)0};
    /* The exps in ROW_EXP16 lanes; two accumulators, even and odd blocks: a compensated add is a chain of
     * four dependent operations, which would otherwise bound the loop. */
    sum16_t s0 = SUM16_ZERO, s1 = SUM16_ZERO;
    for (c = cb; c + 32 <= ce; c += 32) {
        const acc16_t e0 = ROW_EXP16(convert_acc16(vload16(0, row + c)) - m);
        const acc16_t e1 = ROW_EXP16(convert_acc16(vload16(0, row + c + 16)) - m);
        if (stash) { vstore16(e0, 0, stash + (c - cb)); vstore16(e1, 0, stash + (c + 16 - cb)); }
        s0 = sum16_add_finite(s0, e0);
        s1 = sum16_add_finite(s1, e1);
    }
    if (c + 16 <= ce) {
        const acc16_t e = ROW_EXP16(convert_acc16(vload16(0, row + c)) - m);
        if (stash) vstore16(e, 0, stash + (c - cb));
        s0 = sum16_add_finite(s0, e);
        c += 16;
    }
    if (c < ce) {
        /* The last block: all its lanes stashed (the overlapped ones again, with the same values), only the
         * lanes not summed before added; a short row's padding is -inf, whose exp adds 0. */
        const ulong start = ce - cb >= 16 ? ce - 16 : cb;
        const acc16_t e = ROW_EXP16(convert_acc16(last16(row, cb, ce, -INFINITY)) - m);
        if (stash) vstore16(e, 0, stash + (start - cb));
        s1 = sum16_add_finite(s1, select(e, (acc16_t)0, LANE_INDEX16 < (acc16_mask_t)(c - start)));
    }
    /* Lanes combined by a fixed pairwise tree in vector registers: 16 positive terms (relative error below
     * 4 ulp), where a scalar compensated chain would cost a tenth of a 1000-class row. */
    const acc16_t lanes = (s0.s - s0.c) + (s1.s - s1.c);
    return (lse_t){m, HSUM16(lanes)};
}

/* This member's share of eps / C sum_c w_c (lse - x_c) (label smoothing, where eps > 0) and, with GRAD_X, the
 * gradient of its classes, as cross_entropy_rows.cl's; q = exp(max - lse) turns stashed exps into
 * probabilities (p_c = e_c q: one exp per class instead of two, exactly as accurate in acc_t). */
acc_t ce_index_member(__global const real_t *x, __global const real_t *weight, __global real_t *gx, ulong base,
                      ulong D, ulong C, long t, acc_t xt, acc_t lse, acc_t wt, acc_t eps, acc_t w_all, acc_t inv,
                      acc_t gscale, const acc_t *stash_mem, int use_stash, acc_t q) {
    acc_t smooth = 0;
    /* CPU, contiguous float rows: the member's classes in 16-wide blocks (see member_lse) between a
     * scalar head and tail. The smoothing sum only where eps > 0; the target's gradient is rewritten
     * after with expm1. */
    const ulong cb = class_begin(C), ce = class_end(C);
    const ulong head = min(ce, cb + ((16 - ((base + cb) & 15)) & 15));
    if (eps > 0) {
        /* Blocks from the member's first class and a masked last block, as member_lse_in: independent of the
         * row's alignment, so a row's loss does not depend on where the batch holding it starts. */
        const acc_t sc = eps / C;
        sum16_t sm16 = SUM16_ZERO;
        ulong c = cb;
        for (; c + 16 <= ce; c += 16) {
            const acc16_t wc = weight ? convert_acc16(vload16(0, weight + c)) : (acc16_t)1;
            sm16 = sum16_add(sm16, sc * wc * -(convert_acc16(vload16(0, x + base + c)) - lse));
        }
        if (c < ce) {
            const ulong start = ce - cb >= 16 ? ce - 16 : cb;
            const acc16_t wc = weight ? convert_acc16(last16(weight, cb, ce, 0)) : (acc16_t)1;
            const acc16_t t = sc * wc * -(convert_acc16(last16(x + base, cb, ce, 0)) - lse);
            const acc16_mask_t lane = LANE_INDEX16;
            sm16 = sum16_add(sm16, select(t, (acc16_t)0, lane < (acc16_mask_t)(c - start) || lane >= (acc16_mask_t)(ce - start)));
        }
        smooth = sum_get(sum16_total(sm16));
    }
#if GRAD_X
    {
        /* dl/dx_c = ((1 - eps) w_t p_c inv + eps / C (W_all p_c - w_c) inv) gscale, lane-wise. */
        const acc_t a = (1 - eps) * wt;
        ulong c = head;
        /* head and tail: padded 16-lane blocks (part16), only the real lanes stored */
#define CE_GRAD_PART(from, to)                                                                             \
        if ((to) > (from)) {                                                                       \
            const acc16_t p = use_stash ? vload16(0, stash_mem + ((from) - cb)) * q                 \
                                        : ROW_EXP16(convert_acc16(part16(x + base, (from), (to), -INFINITY)) - lse); \
            acc16_t g = a * p * inv;                                                               \
            if (eps > 0) {                                                                         \
                const acc16_t wc = weight ? convert_acc16(part16(weight, (from), (to), 1)) : (acc16_t)1; \
                g += eps / C * (w_all * p - wc) * inv;                                             \
            }                                                                                      \
            g *= gscale;                                                                           \
            for (ulong j = (from); j < (to); ++j) STORE(gx, base + j, g[j - (from)]);               \
        }
        CE_GRAD_PART(cb, head)
        if (eps > 0) {
            for (; c + 16 <= ce; c += 16) {
                const acc16_t p = use_stash ? vload16(0, stash_mem + (c - cb)) * q
                                            : ROW_EXP16(convert_acc16(vload16(0, x + base + c)) - lse);
                const acc16_t wc = weight ? convert_acc16(vload16(0, weight + c)) : (acc16_t)1;
                vstore16(convert_float16((a * p * inv + eps / C * (w_all * p - wc) * inv) * gscale), 0, gx + base + c);
            }
        } else {
            /* Without smoothing dl/dx_c = p_c a inv gscale: one product per lane (e_c times q a inv gscale). */
            const acc_t ag = a * inv * gscale, qg = q * ag;
            for (; c + 16 <= ce; c += 16) {
                const acc16_t g = use_stash ? vload16(0, stash_mem + (c - cb)) * qg
                                            : ROW_EXP16(convert_acc16(vload16(0, x + base + c)) - lse) * ag;
                vstore16(convert_float16(g), 0, gx + base + c);
            }
        }
        CE_GRAD_PART(c, ce)
#undef CE_GRAD_PART
        if ((ulong)t >= cb && (ulong)t < ce) {
            const acc_t logp = xt - lse;
            acc_t g = (1 - eps) * wt * expm1(logp) * inv;
            if (eps > 0) g += eps / C * (w_all * exp(logp) - wt) * inv;
            STORE(gx, base + t, g * gscale);
        }
    }
#endif
    return smooth;
}
