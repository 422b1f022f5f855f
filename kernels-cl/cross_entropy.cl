/* cross_entropy.cl: the losses whose unit of work is a "row", the C class values of one position:
 * cross_entropy (class-index and class-probability targets), nll_loss and entropy (probs or logits).
 *
 * Layout: element c of row r = n * D + d sits at (n * C + c) * D + d, i.e. at base(r) + c * D. For
 * (N, C, d1..dK) inputs D = d1 * ... * dK (the classes of one position are strided), for (C), (N, C) and
 * last-dimension layouts D = 1. Row r's target index and output element are r itself.
 *
 * Build options (besides common.cl's):
 *   MODE           0 cross_entropy with class indices, 1 cross_entropy with class probabilities,
 *                  2 nll_loss, 3 entropy of logits, 4 entropy of probs
 *   ROW_PER_GROUP  1: one work-group per row, its work-items split the classes (wide rows on GPUs, or
 *                  too few rows to fill a CPU); 0: one work-item per row (narrow rows; every row on CPUs,
 *                  where cross_entropy_rows_cpu.cl streams it in 16-wide blocks). Both are deterministic: fixed partition,
 *                  fixed merge tree. Pass 1 of a row is a per-member (max, sum exp) merged by lse_merge.
 *   INNER1         1 when D == 1 (the classes of a row are contiguous)
 *   REDUCE         0: write one loss per row to out; 1: the sum into out[0] in the same launch (common.cl: FINISH_SUM)
 *   GRAD_X, GRAD_T 1: write the gradient of the input (x) / of the probability target in the same launch,
 *                  after the row's log-sum-exp is known (the row is read again, from cache for narrow rows)
 *   IN_PLACE       1: gx is x (LossEngine.computeGradientInPlace). Every element of a row is read before it
 *                  is overwritten: each pass reads x_c and then writes gx_c in the same work-item, the target's
 *                  logit is read first, and a work-group's members are ordered by the row's team barriers.
 *
 * Scaling: a weighted mean (class-index targets) divides every row's loss and gradient by the total
 * weight W = denom[0], computed on the device before this launch (class_weight_total) or, for small batches, by every
 * work-group itself (WEIGHT_TOTAL_IN_GROUP), so no host round
 * trip. Each part is divided separately, so that W = 0 gives PyTorch's 0/0 = NaN. Other means divide by
 * the row count in FINISH_SUM's out_scale (the host knows it) and pass it as gscale for the gradients.
 */
#ifndef MODE
#define MODE 0
#endif
#ifndef ROW_PER_GROUP
#define ROW_PER_GROUP 0
#endif
#ifndef REDUCE
#define REDUCE 0
#endif
#ifndef GRAD_X
#define GRAD_X 0
#endif
#ifndef GRAD_T
#define GRAD_T 0
#endif
#ifndef IN_PLACE
#define IN_PLACE 0
#endif
#ifndef STASH_N
#define STASH_N 0
#endif

/* INNER1: the classes of a row are contiguous (D == 1, every 2-D and last-dimension layout). The
 * constant stride lets the compiler emit contiguous vector loads instead of gathers. */
#if INNER1
#define CSTRIDE 1
#else
#define CSTRIDE D
#endif

/* The "team" that owns a row: the whole work-group, or one work-item. TEAM_* reduce a value over the
 * team (a fixed tree for a work-group); every member gets the result. */
#if ROW_PER_GROUP
#define TEAM_SUM(v) wg_sum((v), scratch)
#define TEAM_LSE(v) wg_lse((v), scratch, scratch2)
#define TEAM_LEADER (get_local_id(0) == 0)
/* The classes in [lo, hi) of one work-item (the whole row: [0, C); a slice of it: class_slices_*): a
 * contiguous chunk on CPUs (streams), every WGS-th class on GPUs (coalesces). */
inline ulong class_begin_in(ulong lo, ulong hi) {
    const ulong chunk = (hi - lo + get_local_size(0) - 1) / get_local_size(0);
    return LAYOUT_CHUNKED ? min(lo + (ulong)get_local_id(0) * chunk, hi) : lo + get_local_id(0);
}
inline ulong class_end_in(ulong lo, ulong hi) {
    const ulong chunk = (hi - lo + get_local_size(0) - 1) / get_local_size(0);
    return LAYOUT_CHUNKED ? min(lo + (ulong)(get_local_id(0) + 1) * chunk, hi) : hi;
}
#define CLASS_STEP (LAYOUT_CHUNKED ? 1 : get_local_size(0))
#define FOR_EACH_CLASS_IN(c, lo, hi) for (ulong c = class_begin_in(lo, hi), _ce = class_end_in(lo, hi); c < _ce; c += CLASS_STEP)
#define FOR_EACH_ROW(r, rows) for (ulong r = get_group_id(0); r < (ulong)(rows); r += get_num_groups(0))
#else
#define TEAM_SUM(v) (v)
#define TEAM_LSE(v) (v)
#define TEAM_LEADER 1
inline ulong class_begin_in(ulong lo, ulong hi) { return lo; }
inline ulong class_end_in(ulong lo, ulong hi) { return hi; }
#define FOR_EACH_CLASS_IN(c, lo, hi) for (ulong c = (lo); c < (hi); ++c)
#define FOR_EACH_ROW(r, rows) FOR_EACH_INDEX(r, rows)
#endif
#define FOR_EACH_CLASS(c, C) FOR_EACH_CLASS_IN(c, 0, C)
inline ulong class_begin(ulong C) { return class_begin_in(0, C); }
inline ulong class_end(ulong C) { return class_end_in(0, C); }

/* Neumaier-compensated sum: exact where the exact sum is representable and the terms are few (a uniform
 * row's gradient cancels to exactly 0, as PyTorch's pairwise sums do). */
typedef struct { acc_t s; acc_t c; } nsum_t;
inline void nsum_add(nsum_t *a, acc_t v) {
    const acc_t t = a->s + v;
    a->c += fabs(a->s) >= fabs(v) ? (a->s - t) + v : (v - t) + a->s;
    a->s = t;
}

/* Entropy of probs: PyTorch's clamp of q to [eps, 1 - eps] with the float64 answer's eps, and whether q lies
 * inside it (the clamp passes the gradient there). */
#define ENTROPY_EPS ((acc_t)0x1p-52)
inline int entropy_in_clamp(acc_t q) { return q >= ENTROPY_EPS && q <= 1 - ENTROPY_EPS && q < 1; }

/* The per-member row scans, defined by cross_entropy_rows.cl (every device) or cross_entropy_rows_cpu.cl
 * (16-wide blocks for contiguous float32 rows on CPUs), which the host appends to this file.
 *   member_lse_in    this team member's (max, sum exp(x - max)) over its classes in [lo, hi) of the row at
 *                    base (stride D): a NaN gives a NaN state, +inf a state that lse_value turns into NaN,
 *                    all -inf the empty state (as lse_add); with stash (STASH_N > 0), each exp(x_c - max)
 *                    is kept in it for the gradient
 *   ce_index_member  this member's share of eps / C sum_c w_c (lse - x_c) (label smoothing, where eps > 0) and, with
 *                    GRAD_X, its classes' dl/dx_j = ((1 - eps) w_t (p_j - [j == t]) + eps / C (W_all p_j - w_j))
 *                    inv gscale, the target's term by expm1(logp_t) = p_t - 1 (no cancellation when p_t ~ 1);
 *                    with use_stash, p_c = stash_c q */
lse_t member_lse_in(__global const real_t *x, ulong base, ulong D, ulong lo, ulong hi, acc_t *stash);
acc_t ce_index_member(__global const real_t *x, __global const real_t *weight, __global real_t *gx, ulong base,
                      ulong D, ulong C, long t, acc_t xt, acc_t lse, acc_t wt, acc_t eps, acc_t w_all, acc_t inv,
                      acc_t gscale, const acc_t *stash_mem, int use_stash, acc_t q);
inline lse_t member_lse(__global const real_t *x, ulong base, ulong D, ulong C, acc_t *stash) { return member_lse_in(x, base, D, 0, C, stash); }

/* Total weight of the targets that are not ignored (the weighted mean's denominator), summed by one
 * work-group in a fixed order; every work-item gets it. Targets out of range count nothing (class_rows
 * reports them). */
inline acc_t group_weight_total(__global const long *target, __global const real_t *weight, const ulong rows,
                                const ulong C, const long ignore_index, __local acc_t *scratch) {
    if (!weight) {
        /* Unweighted: a count, kept in an integer (exact, and no compensated add per row). */
        ulong kept = 0;
        for (ulong r = get_local_id(0); r < rows; r += get_local_size(0)) {
            const long t = target[r];
            kept += t != ignore_index && t >= 0 && t < (long)C;
        }
        return wg_sum((acc_t)kept, scratch);
    }
    sum_t total = SUM_ZERO;
    for (ulong r = get_local_id(0); r < rows; r += get_local_size(0)) {
        const long t = target[r];
        if (t != ignore_index && t >= 0 && t < (long)C) sum_add(&total, LOAD(weight, t));
    }
    return wg_sum(sum_get(total), scratch);
}

/* The weighted mean's denominator into denom[0], one work-group, launched before class_rows on large batches. */
__kernel void class_weight_total(__global const long *target, __global const real_t *weight, const ulong rows,
                                 const ulong C, const long ignore_index, __global acc_t *denom) {
    __local acc_t scratch[WGS];
    const acc_t w = group_weight_total(target, weight, rows, C, ignore_index, scratch);
    if (get_local_id(0) == 0) denom[0] = w;
}

__kernel void class_rows(__global const real_t *x, __global const long *target, __global const real_t *tprob,
                         __global const real_t *weight, const ulong rows, const ulong C, const ulong D,
                         const long ignore_index, const acc_t eps, const acc_t w_all,
                         __global const acc_t *denom, const acc_t gscale,
                         __global real_t *out, __global acc_t *partials,
                         __global real_t *gx, __global real_t *gt, volatile __global int *err SUM_ARGS) {
    __local acc_t scratch[WGS];
#if ROW_PER_GROUP
    __local acc_t scratch2[WGS];
#endif
    /* 1 / W for a weighted mean (inf when W = 0), else 1. */
#if WEIGHT_TOTAL_IN_GROUP
    /* Small batches: each work-group sums the denominator itself (rows / WGS loads per work-item), which
     * spares the class_weight_total launch before this one. */
    const acc_t inv = 1 / group_weight_total(target, weight, rows, C, ignore_index, scratch);
#else
    const acc_t inv = denom ? 1 / denom[0] : (acc_t)1;
#endif
    sum_t total = SUM_ZERO;
    FOR_EACH_ROW(r, rows) {
        const ulong n = r / D, d = r - n * D;
        const ulong base = n * C * D + d;
        acc_t loss;
#if MODE == 0 || MODE == 2
        /* ---- class-index targets: cross_entropy (log_softmax + NLL) and nll_loss ---- */
        const long t = target[r];
        const int ignored = t == ignore_index;
        const int bad = !ignored && (t < 0 || t >= (long)C);
        if (bad && TEAM_LEADER) flag_error(err, r);
        /* The target's logit, read before any gradient of the row is written (IN_PLACE: gx is x; in a
         * work-group per row the team's barriers below order this read before every member's writes). */
        const acc_t xt = (ignored || bad) ? (acc_t)0 : LOAD(x, base + (ulong)t * CSTRIDE);
#if MODE == 2 && IN_PLACE && ROW_PER_GROUP
        barrier(CLK_GLOBAL_MEM_FENCE);
#endif
#if MODE == 0
        /* STASH_N > 0 (host: the CPU row variant, a work-item per row, GRAD_X): a row of at most STASH_N
         * classes keeps its exp(x_c - m) (m: the row's max) in private memory, in acc_t, and the gradient is
         * p_c = e_c exp(m - lse): one exp per class instead of two, and no global temporary. Only with a
         * work-item per row: with a work-group per row the array would live across the team's barriers. */
        acc_t stash_mem[STASH_N > 0 ? STASH_N + 32 : 1];
        const int stashed = STASH_N > 0 && class_end(C) - class_begin(C) <= STASH_N;
        const lse_t mine = member_lse(x, base, D, C, stashed ? stash_mem : 0);
        const acc_t lse = lse_value(TEAM_LSE(mine));
        /* The stash is filled only where the member's max is finite (else lse is NaN, or the member's
         * classes are all -inf and their gradient, exp(-inf) = 0, is recomputed). */
        const int use_stash = stashed && isfinite(mine.m);
#endif
        if (ignored || bad) {
            loss = 0 * inv; /* PyTorch's 0/0 = NaN for a mean when every target is ignored */
#if GRAD_X
            /* log_softmax's backward of a zero upstream gradient is 0 * p: NaN in a NaN row. */
#if MODE == 0
            /* 0 * exp(x - lse) is 0 for every x once lse is finite (x <= lse), NaN when it is NaN. */
            const acc_t zero = isnan(lse) ? (acc_t)NAN : (acc_t)0;
            FOR_EACH_CLASS(c, C) STORE(gx, base + c * CSTRIDE, zero);
#else
            FOR_EACH_CLASS(c, C) STORE(gx, base + c * CSTRIDE, (acc_t)0);
#endif
#endif
        } else {
            const acc_t wt = weight ? LOAD(weight, t) : (acc_t)1;
#if MODE == 0
            /* l = (1 - eps) w_t (lse - x_t) + eps / C sum_c w_c (lse - x_c); with p = softmax(x):
             * dl/dx_j = (1 - eps) w_t (p_j - [j == t]) + eps / C (W_all p_j - w_j). The target term uses
             * expm1(logp_t) = p_t - 1 without cancellation when p_t is close to 1. */
            const acc_t smooth = ce_index_member(x, weight, gx, base, D, C, t, xt, lse, wt, eps, w_all, inv, gscale,
                                                 stash_mem, use_stash, use_stash ? exp(mine.m - lse) : (acc_t)0);
            loss = (1 - eps) * wt * inv * (lse - xt); /* inv first: (lse - x_t) w_t alone may overflow a float */
            if (eps > 0) loss += TEAM_SUM(smooth) * inv;
#else
            /* nll_loss: l = -w_t x_t; dl/dx_j = -w_t [j == t]. */
            loss = -wt * xt * inv;
#if GRAD_X
            FOR_EACH_CLASS(c, C) STORE(gx, base + c * CSTRIDE, (long)c == t ? -wt * inv * gscale : (acc_t)0);
#endif
#endif
        }
#elif MODE == 1
        /* ---- cross_entropy with class probabilities: q = t (1 - eps) + eps / C, l = -sum_c w_c q_c logp_c;
         * dl/dx_j = p_j sum_c w_c q_c - w_j q_j, dl/dt_j = -(1 - eps) w_j logp_j. Pass 1 gathers the
         * log-sum-exp and sum_c w_c q_c, pass 2 the loss and both gradients. */
        lse_t st = LSE_EMPTY;
        acc_t wq = 0;
        FOR_EACH_CLASS(c, C) {
            lse_add(&st, LOAD(x, base + c * CSTRIDE));
            wq += (weight ? LOAD(weight, c) : (acc_t)1) * (LOAD(tprob, base + c * CSTRIDE) * (1 - eps) + eps / C);
        }
        const acc_t lse = lse_value(TEAM_LSE(st));
#if GRAD_X
        wq = TEAM_SUM(wq);
#endif
        acc_t l = 0;
        FOR_EACH_CLASS(c, C) {
            const acc_t logp = LOAD(x, base + c * CSTRIDE) - lse;
            const acc_t wc = weight ? LOAD(weight, c) : (acc_t)1;
            const acc_t q = LOAD(tprob, base + c * CSTRIDE) * (1 - eps) + eps / C;
            l -= wc * q * logp;
#if GRAD_X
            STORE(gx, base + c * CSTRIDE, (exp(logp) * wq - wc * q) * gscale);
#endif
#if GRAD_T
            STORE(gt, base + c * CSTRIDE, -(1 - eps) * wc * logp * gscale);
#endif
        }
        loss = TEAM_SUM(l);
#elif MODE == 3
        /* ---- entropy of logits, as PyTorch's graph: l = x - lse, p = exp(l), lc = clamp(l, min=-MAX)
         * (only -inf moves), H = -sum lc p. Gradient: gl_j = p_j (s - lc_j) - p_j [l_j > -inf] with
         * s = sum lc p, then through l = x - lse(x): dH/dx_j = gl_j - p_j sum gl. */
        lse_t st = LSE_EMPTY;
        FOR_EACH_CLASS(c, C) {
            const acc_t v = LOAD(x, base + c);
            /* Device-resident logits are checked here (host ones before the launch): NaN and +inf are
             * not logits PyTorch accepts; the host re-checks the downloaded tensor for the message. */
            if (isnan(v) || v == INFINITY) flag_error(err, base + c);
            lse_add(&st, v);
        }
        const lse_t row = TEAM_LSE(st);
        const acc_t lse = lse_value(row);
        if (TEAM_LEADER && row.m == -INFINITY) flag_error(err, base); /* all -inf */
        acc_t s = 0;
        FOR_EACH_CLASS(c, C) {
            const acc_t l = LOAD(x, base + c) - lse;
            s += fmax(l, -ACC_MAX) * exp(l);
        }
        s = TEAM_SUM(s);
        loss = -s;
#if GRAD_X
        acc_t gsum = 0;
        FOR_EACH_CLASS(c, C) {
            const acc_t l = LOAD(x, base + c) - lse, p = exp(l);
            gsum += p * (-fmax(l, -ACC_MAX) + s) + (l == -INFINITY ? (acc_t)0 : -p);
        }
        gsum = TEAM_SUM(gsum);
        FOR_EACH_CLASS(c, C) {
            const acc_t l = LOAD(x, base + c) - lse, p = exp(l);
            const acc_t gl = p * (-fmax(l, -ACC_MAX) + s) + (l == -INFINITY ? (acc_t)0 : -p);
            STORE(gx, base + c, (gl + -gsum * p) * gscale);
        }
#endif
#else
        /* ---- entropy of probs, as PyTorch's graph: q = p / S, L = log(clamp(q, eps, 1 - eps)), H = -sum L q.
         * With a_c = dH/dq_c = -L_c - [eps <= q_c <= 1 - eps] q_c / clamp(q_c):
         * dH/dp_j = a_j / S + sum_c -a_c ((p_c / S) / S), compensated; 0 for one class (H is constant).
         * eps is the float64 answer's (the reference's, DBL_EPSILON) under either precision: with FLOAT,
         * 1 - eps rounds to 1, so the clamp's upper branch is "q < 1" (entropy_in_clamp), as in double. */
        acc_t S = 0;
        FOR_EACH_CLASS(c, C) {
            const acc_t v = LOAD(x, base + c);
            /* Device-resident probs are checked here: negative, NaN or infinite values (and, below, a row
             * that sums to 0) are rejected as PyTorch rejects them; the host re-checks for the message. */
            if (!(v >= 0 && v < INFINITY)) flag_error(err, base + c);
            S += v;
        }
        S = TEAM_SUM(S);
        if (TEAM_LEADER && !(S > 0 && S < INFINITY)) flag_error(err, base);
        acc_t e = 0;
        nsum_t gs = {0, 0};
        FOR_EACH_CLASS(c, C) {
            const acc_t p = LOAD(x, base + c), q = p / S;
            const acc_t qc = fmin(fmax(q, ENTROPY_EPS), 1 - ENTROPY_EPS), L = log(qc);
            e += L * q;
            const acc_t a = -L + (entropy_in_clamp(q) ? -q / qc : (acc_t)0);
            nsum_add(&gs, -a * ((p / S) / S));
        }
        loss = -TEAM_SUM(e);
#if GRAD_X
#if ROW_PER_GROUP
        const acc_t g0 = TEAM_SUM(gs.s) + TEAM_SUM(gs.c);
#else
        const acc_t g0 = gs.s + gs.c;
#endif
        FOR_EACH_CLASS(c, C) {
            const acc_t p = LOAD(x, base + c), q = p / S;
            const acc_t qc = fmin(fmax(q, ENTROPY_EPS), 1 - ENTROPY_EPS);
            const acc_t a = -log(qc) + (entropy_in_clamp(q) ? -q / qc : (acc_t)0);
            STORE(gx, base + c, C == 1 ? (acc_t)0 : (a / S + g0) * gscale);
        }
#endif
#endif
#if REDUCE
        if (TEAM_LEADER) sum_add(&total, loss);
#else
        if (TEAM_LEADER) STORE(out, r, loss);
#endif
    }
#if REDUCE
    FINISH_SUM(wg_sum(sum_get(total), scratch), scratch);
#endif
}

#if ROW_PER_GROUP && MODE == 0
/* ---- cross_entropy (class indices) with a wide row split across S work-groups ----
 * One row is not limited to one work-group's throughput (a GPU runs a work-group on one compute unit):
 * the row's classes are cut into S slices of L = ceil(C / S), slice s of row r is unit u = r S + s, and
 * units are dealt to work-groups. Deterministic, no atomics, no N x C temporaries:
 *   class_slices_lse   each unit's (max, sum exp(x - max)) over its slice (the team's fixed tree), and for
 *                      label smoothing eps / C sum_c w_c x_c, into part[u] = {m, s, that sum, x_t (slice 0 only)}
 *   class_slices_rows  each unit merges its row's S partials in slice order (every member alike), so all
 *                      units of a row agree on the log-sum-exp; slice 0's unit owns the row's loss, every
 *                      unit writes its slice's gradient. The target's logit comes from part (read there
 *                      before any gradient is written: in place, gx is x).
 * Smoothing uses sum_c w_c (lse - x_c) = lse W_all - sum_c w_c x_c (the two are far apart: lse - x_c > 0),
 * every term scaled by eps / C before it is summed (w_c x_c alone may overflow a float). */
#define SLICE_COMPS 4
__kernel void class_slices_lse(__global const real_t *x, __global const long *target, __global const real_t *weight,
                               const ulong rows, const ulong C, const ulong D, const ulong S, const acc_t eps,
                               __global acc_t *part) {
    __local acc_t scratch[WGS];
    __local acc_t scratch2[WGS];
    const ulong L = (C + S - 1) / S;
    for (ulong u = get_group_id(0); u < rows * S; u += get_num_groups(0)) {
        const ulong r = u / S, s = u - r * S;
        const ulong n = r / D, d = r - n * D;
        const ulong base = n * C * D + d;
        const ulong lo = min(s * L, C), hi = min(lo + L, C);
        const lse_t st = TEAM_LSE(member_lse_in(x, base, D, lo, hi, 0));
        acc_t wx = 0;
        if (eps > 0) {
            const acc_t sc = eps / C;
            FOR_EACH_CLASS_IN(c, lo, hi) wx += sc * (weight ? LOAD(weight, c) : (acc_t)1) * LOAD(x, base + c * CSTRIDE);
            wx = TEAM_SUM(wx);
        }
        if (TEAM_LEADER) {
            const long t = target[r];
            part[u * SLICE_COMPS + 0] = st.m;
            part[u * SLICE_COMPS + 1] = st.s;
            part[u * SLICE_COMPS + 2] = wx;
            part[u * SLICE_COMPS + 3] = (s == 0 && t >= 0 && t < (long)C) ? LOAD(x, base + (ulong)t * CSTRIDE) : (acc_t)0;
        }
    }
}

__kernel void class_slices_rows(__global const real_t *x, __global const long *target, __global const real_t *weight,
                                const ulong rows, const ulong C, const ulong D, const ulong S,
                                const long ignore_index, const acc_t eps, const acc_t w_all,
                                __global const acc_t *denom, const acc_t gscale, __global const acc_t *part,
                                __global real_t *out, __global acc_t *partials, __global real_t *gx, volatile __global int *err SUM_ARGS) {
    __local acc_t scratch[WGS];
    const acc_t inv = denom ? 1 / denom[0] : (acc_t)1;
    const ulong L = (C + S - 1) / S;
    sum_t total = SUM_ZERO;
    for (ulong u = get_group_id(0); u < rows * S; u += get_num_groups(0)) {
        const ulong r = u / S, s = u - r * S;
        const ulong n = r / D, d = r - n * D;
        const ulong base = n * C * D + d;
        const ulong lo = min(s * L, C), hi = min(lo + L, C);
        lse_t st = LSE_EMPTY;
        acc_t wx = 0;
        for (ulong k = 0; k < S; ++k) {
            __global const acc_t *pk = part + (r * S + k) * SLICE_COMPS;
            st = lse_merge(st, (lse_t){pk[0], pk[1]});
            wx += pk[2];
        }
        const acc_t lse = lse_value(st);
        const acc_t xt = part[r * S * SLICE_COMPS + 3];
        const long t = target[r];
        const int ignored = t == ignore_index;
        const int bad = !ignored && (t < 0 || t >= (long)C);
        if (s == 0 && bad && TEAM_LEADER) flag_error(err, r);
        acc_t loss;
        if (ignored || bad) {
            loss = 0 * inv;
#if GRAD_X
            const acc_t zero = isnan(lse) ? (acc_t)NAN : (acc_t)0;
            FOR_EACH_CLASS_IN(c, lo, hi) STORE(gx, base + c * CSTRIDE, zero);
#endif
        } else {
            const acc_t wt = weight ? LOAD(weight, t) : (acc_t)1;
            loss = (1 - eps) * wt * inv * (lse - xt); /* inv first: (lse - x_t) w_t alone may overflow a float */
            if (eps > 0) loss += (eps / C * w_all * lse - wx) * inv;
#if GRAD_X
            FOR_EACH_CLASS_IN(c, lo, hi) {
                const acc_t logp = LOAD(x, base + c * CSTRIDE) - lse;
                const acc_t wc = weight ? LOAD(weight, c) : (acc_t)1;
                const acc_t pm = (long)c == t ? expm1(logp) : exp(logp);
                acc_t g = (1 - eps) * wt * pm * inv;
                if (eps > 0) g += eps / C * (w_all * exp(logp) - wc) * inv;
                STORE(gx, base + c * CSTRIDE, g * gscale);
            }
#endif
        }
#if REDUCE
        if (s == 0 && TEAM_LEADER) sum_add(&total, loss);
#else
        if (s == 0 && TEAM_LEADER) STORE(out, r, loss);
#endif
    }
#if REDUCE
    FINISH_SUM(wg_sum(sum_get(total), scratch), scratch);
#endif
}
#endif
