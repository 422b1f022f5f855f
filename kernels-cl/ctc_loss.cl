/* ctc_loss.cl: CTC loss, forward (alpha) and, when CTC_GRAD is 1, backward (beta and the gradient of
 * log_probs), in ONE launch: the whole time loop runs on the device, no round trip per time step.
 *
 * This file holds what both kernel variants share; the host appends one of them (same arguments, same
 * results to rounding):
 *   ctc_loss_gpu.cl  a work-group per sequence, described here (GPUs)
 *   ctc_loss_cpu.cl  one work-item per sequence, no barriers, rows vectorised explicitly (CPU devices,
 *                    where a barrier inside the time loop splits the work-group's loop over work-items)
 *
 * Launch: one work-group per sequence n (get_group_id(0) = n). Its work-items share out the positions
 * s of the extended target l' = (blank, l_1, blank, ..., l_S, blank), L = 2S+1 of them, in a strided
 * loop (s = lid, lid + WGS, ...), so any L works with any work-group size. Time steps are separated by
 * barrier(CLK_GLOBAL_MEM_FENCE): row t is written only after every work-item has finished reading row
 * t-1 (the recursion reads s, s-1, s-2, which belong to other work-items).
 *
 * Memory (`work`, acc_t, offsets per sequence from the host):
 *   alpha: il rows of L when the gradient is wanted (the backward pass needs every row), else a ring
 *          of 2 rows (row t at (t % 2)).
 *   beta:  a ring of 2 rows (only with CTC_GRAD). After beta row t is known, alpha row t is overwritten
 *          with alpha + beta (it is not needed any more), the per-position occupancy in log space.
 *
 * Gradient, PyTorch's (LossCTC.cpp), for t < il:
 *   grad[t, n, c] = (exp(lp) - exp(lse_{s: l'_s = c}(alpha_t(s) + beta_t(s)) + nll - lp)) * upstream
 * and 0 for t >= il, or for the whole sequence when zero_infinity zeroes an infinite loss. The per-class
 * sums are collected without atomics and in a fixed order: first every class gets the formula with an
 * empty sum (-inf, which also gives PyTorch's NaN when nll is +inf); then the blank class is summed by
 * a work-group log-sum-exp over the positions labelled blank, and each other class present in the
 * target by the work-item owning its first occurrence, walking the host-built chain of its later
 * occurrences (so a label repeated k times costs k terms, not S).
 *
 * meta (5 longs per sequence, one upload with tinfo right after it): input length, target length, start
 * of its labels in tinfo, alpha offset and beta offset in work. tinfo (3 * M longs, M = total target
 * length): labels, then for each label the index (within the sequence) of the next occurrence of the
 * same label or -1, then 1 where a label occurs for the first time in its sequence (these two only for
 * the work-group variant; the serial one reads the labels alone).
 *
 * mode: 0 = reduction none (out[n] = loss), 1 = sum, 2 = mean (the sequence's loss, or loss /
 * max(target length, 1) for mean, summed in the same launch: REDUCE, common.cl's FINISH_SUM with the host's
 * out_scale 1 / N for mean).
 */
#ifndef CTC_GRAD
#define CTC_GRAD 0
#endif
#ifndef REDUCE
#define REDUCE 0
#endif

#define NEG_INF ((acc_t)(-INFINITY))

/* log(exp(a) + exp(b) + exp(c)), shifted by the largest term so nothing overflows; when every term is
 * -inf the shift is 0 (never -inf - -inf = NaN) and the result is -inf. PyTorch's form. */
inline acc_t log_add3(acc_t a, acc_t b, acc_t c) {
    acc_t m = a;
    if (b > m) m = b;
    if (c > m) m = c;
    if (m == NEG_INF) m = 0;
    return log(exp(a - m) + exp(b - m) + exp(c - m)) + m;
}

/* Label of extended position s: blank at even s, target label (s-1)/2 at odd s. */
#define EXT(s) ((((s) & 1) != 0) ? tg[(s) >> 1] : blank)

/* The sequence's negative log-likelihood from the alpha row of its last input step (alpha keeps
 * `rows` rows, cyclically): -log(alpha(L-1) + alpha(L-2)). An empty input produces exactly the empty
 * target (0) and nothing else (+inf). Shared by both kernel variants. */
inline acc_t ctc_nll(__global const acc_t *alpha, const int rows, const int L, const int il, const int tl) {
    if (il == 0) return tl == 0 ? (acc_t)0 : (acc_t)INFINITY;
    __global const acc_t *last = alpha + (ulong)((il - 1) % rows) * L;
    return -log_add3(last[L - 1], tl > 0 ? last[L - 2] : NEG_INF, NEG_INF);
}

/* The arguments of both variants' ctc_loss kernel (host: CtcLossKernel): CTC_LOSS_PARAMS, then with REDUCE
 * FINISH_SUM's. CTC_LOSS_NAMES passes the first on to a function taking them. */
#define CTC_LOSS_PARAMS __global const real_t *lp, const int T, const int N, const int C, const long blank, \
                        __global const long *meta, const ulong M, __global acc_t *work, const int mode,   \
                        const int zero_infinity, __global real_t *out, __global acc_t *partials, __global real_t *grad
#define CTC_LOSS_NAMES lp, T, N, C, blank, meta, M, work, mode, zero_infinity, out, partials, grad
#if REDUCE
#define CTC_LOSS_ARGS CTC_LOSS_PARAMS SUM_ARGS
#else
#define CTC_LOSS_ARGS CTC_LOSS_PARAMS
#endif

/* What sequence n adds to a reduction (mode 1: its loss; 2: loss / max(tl, 1)); mode 0 stores it instead. */
inline acc_t ctc_emit(__global real_t *out, const int n, const int mode, const acc_t loss, const int tl) {
    if (mode == 0) STORE(out, n, loss);
    return mode == 2 ? loss / (acc_t)max(tl, 1) : loss;
}

/* Sequence n's entries of meta (see above) as locals: its input length il, target length tl, labels tg,
 * alpha rows (rows of them, L = 2 tl + 1 wide) and the stride of log_probs' time steps. */
#define CTC_SEQUENCE(n)                                                        \
    __global const long *tinfo = meta + 5 * (ulong)N;                          \
    const int il = (int)meta[5 * (n)];                                         \
    const int tl = (int)meta[5 * (n) + 1];                                     \
    __global const long *tg = tinfo + meta[5 * (n) + 2];                       \
    __global acc_t *alpha = work + meta[5 * (n) + 3];                          \
    const int L = 2 * tl + 1;                                                  \
    const int rows = CTC_GRAD ? max(il, 1) : 2;                                \
    const ulong rowStride = (ulong)N * (ulong)C; /* log_probs, grad: (T, N, C) */

/* One gradient element from the class's log occupancy `lcab`. */
inline acc_t ctc_grad(acc_t lpc, acc_t lcab, acc_t nll, acc_t up) {
    return (exp(lpc) - exp(lcab + nll - lpc)) * up;
}
