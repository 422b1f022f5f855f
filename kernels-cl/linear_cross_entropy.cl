/* linear_cross_entropy.cl: cross_entropy(x W^T + b, t) and its gradients without the N x V logits.
 *
 * The host (LinearCrossEntropyKernel) walks the rows in chunks of R rows; per chunk, with Z an R x V buffer:
 *   lce_gemm_logits  Z = X[chunk] W^T                       (GEMM, K = H)
 *   lce_rows         per row: y = softcap(Z + b), lse, loss; Z <- dL/dz (the logits' gradient, scaled)
 *   lce_gemm_dx      dX[chunk] = Z W                         (GEMM, K = V)
 *   lce_gemm_dw      dW (+)= Z^T X[chunk]                    (GEMM, K = R; accumulated in gemm_t across chunks)
 *   lce_bias_grad    db (+)= column sums of Z
 * and at the end reduce_partials (common.cl) sums the per-row losses, lce_store rounds float accumulators into
 * 16-bit gradients. Chunks run one after another on the in-order queue, each dW element is owned by one
 * work-item per chunk: the accumulation order is fixed, so results are bitwise reproducible (no atomics).
 *
 * Build options (besides common.cl's), all set in LinearCrossEntropyKernel.options:
 *   GEMM_TM, GEMM_TN   output tile of one work-group (rows x columns)
 *   GEMM_TK            depth of the local-memory tiles loaded per step
 *   GEMM_WM, GEMM_WN   outputs per work-item (register block); (TM / WM) * (TN / WN) == WGS
 *   GEMM_LOCAL         1: local-memory tiles (GPUs); 0: register blocks streamed by each work-item (CPUs),
 *                      GEMM_WM x 8 GEMM_WNV (dX, dW) or GEMM_WM x GEMM_WN (logits) outputs per work-item
 *   GEMM_F64           1: gemm_t is double also for float32 and 16-bit tensors (CPU devices with fp64)
 *   SOFTCAP, ZLOSS     1 when the option is on; GRAD 1 when lce_rows writes dL/dz; REDUCE 1 for mean and sum
 *
 * Precision: GEMMs multiply and accumulate in gemm_t: float on GPUs for float32 and 16-bit tensors (as cuBLAS
 * does), double for float64 and on CPU devices with fp64 (GEMM_F64, where double costs 2x, not 16-64x: there
 * every logit, gradient element and dW element is rounded once from a double sum, which is what the
 * conformance rule "no element less accurate than PyTorch's float32" takes; a float GEMM's own summation
 * order loses to PyTorch's on some elements). dW and db accumulate across chunks in gacc_t: float32 or
 * better, never half. The row pass (softmax, lse, loss) runs in acc_t like cross_entropy.cl.
 */
#ifndef GEMM_LOCAL
#define GEMM_LOCAL 1
#endif
#ifndef GEMM_TM
#define GEMM_TM 32
#define GEMM_TN 32
#define GEMM_TK 16
#define GEMM_WM 4
#define GEMM_WN 4
#endif
#ifndef SOFTCAP
#define SOFTCAP 0
#endif
#ifndef ZLOSS
#define ZLOSS 0
#endif
#ifndef GRAD
#define GRAD 0
#endif
#ifndef REDUCE
#define REDUCE 0
#endif

#ifndef GEMM_F64
#define GEMM_F64 0
#endif

/* gemm_t: the GEMMs' accumulator and the chunk's logits and their gradient. gacc_t: dW and db between chunks
 * (the gradient buffers themselves for float32 and float64 tensors, float accumulators for 16-bit ones). */
#if DTYPE_F64 || GEMM_F64
typedef double gemm_t;
#else
typedef float gemm_t;
#endif
#if DTYPE_F64
typedef double gacc_t;
#else
typedef float gacc_t;
#endif
#define GEMM_LOAD(p, i) ((gemm_t)(p)[i])
#define GEMM_STORE(p, i, v) ((p)[i] = (v))
/* C's store: PLAIN_STORE_C writes the tile once (logits, dX); DW_STORE_C adds it to dW's running sum. With a
 * compensation buffer lo (CPU devices, gemm_t double, float32 gradients), the sum is kept as the pair hi + lo
 * of floats (~48 bits): each chunk's double result is added to hi + lo in double and split again, so dW is
 * rounded to float32 once, not once per chunk. Without lo, the sum is plain gacc_t. */
#define PLAIN_STORE_C(STORE, c, lo, at, v, accumulate) STORE(c, at, v)
#define REAL_STORE_C(c, lo, at, v, accumulate) PLAIN_STORE_C(STORE, c, lo, at, v, accumulate)
#define GEMM_STORE_C(c, lo, at, v, accumulate) PLAIN_STORE_C(GEMM_STORE, c, lo, at, v, accumulate)
#define DW_STORE_C(c, lo, at, v, accumulate) acc_split((c) + (at), (lo) ? (lo) + (at) : 0, (v), (accumulate))
inline void acc_split(__global gacc_t *hi, __global gacc_t *lo, gemm_t v, int accumulate) {
    const gemm_t s = accumulate ? (gemm_t)*hi + ((lo ? (gemm_t)*lo : 0) + v) : v;
    const gacc_t h = (gacc_t)s;
    *hi = h;
    if (lo) *lo = (gacc_t)(s - (gemm_t)h);
}
#define REAL_LOAD(p, i) ((gemm_t)LOAD(p, i))

#define THREADS_N (GEMM_TN / GEMM_WN)
#define THREADS_M (GEMM_TM / GEMM_WM)

/* GEMM_LOCAL 0 (CPU devices): the same products without local memory or barriers, each work-item streaming its
 * own register block from global memory (the caches do the tiling; POCL runs a work-group's items in a loop on one
 * core, and local tiles with barriers there cost more than they save). Explicit 8-wide vectors, as POCL
 * vectorises only those well: GEMM_ROWS (dX, dW: B's columns contiguous) vectorises over C's columns, GEMM_DOT
 * (the logits: A's rows and B's columns both contiguous along k) over k, with a fixed-order lane sum at the end.
 * Blocks at C's edges take a scalar path. The block of work-item g is fixed by the shapes, so results are
 * deterministic. */
#if DTYPE_F64 || GEMM_F64
typedef double8 gemm8_t;
#define convert_gemm8 convert_double8
#else
typedef float8 gemm8_t;
#define convert_gemm8 convert_float8
#endif
#if DTYPE_F64
#define VLOAD_REAL8(p, i) vload8(0, (p) + (i))
#elif DTYPE_F16
#define VLOAD_REAL8(p, i) convert_gemm8(vload_half8(0, (p) + (i)))
#elif DTYPE_BF16
#define VLOAD_REAL8(p, i) convert_gemm8(as_float8(convert_uint8(vload8(0, (p) + (i))) << 16))
#else
#define VLOAD_REAL8(p, i) convert_gemm8(vload8(0, (p) + (i)))
#endif
#define VLOAD_GEMM8(p, i) vload8(0, (p) + (i))
#ifndef GEMM_WNV
#define GEMM_WNV 2
#endif

/* C = A B with sbn == 1: work-item block WM rows x 8 WNV columns; consecutive work-items take consecutive row
 * blocks of one column strip (a work-group's items share the strip of B in cache). */
#define DEFINE_GEMM_ROWS(NAME, A_T, LOAD_A, B_T, LOAD_B, VLOAD_B, C_T, STORE_C)                                    \
__kernel void NAME(__global const A_T *a, const ulong a_off, const ulong sam, const ulong sak,                    \
                   __global const B_T *b, const ulong b_off, const ulong sbk, const ulong sbn,                    \
                   __global C_T *c, __global gacc_t *c_lo, const ulong c_off, const ulong ldc,                    \
                   const ulong M, const ulong N, const ulong K, const int accumulate) {                           \
    const ulong cols = 8 * GEMM_WNV, mb = (M + GEMM_WM - 1) / GEMM_WM, nb = (N + cols - 1) / cols;               \
    for (ulong blk = get_global_id(0); blk < mb * nb; blk += get_global_size(0)) {                               \
        const ulong m0 = (blk % mb) * GEMM_WM, n0 = (blk / mb) * cols;                                            \
        if (m0 + GEMM_WM <= M && n0 + cols <= N) {                                                                \
            gemm8_t acc[GEMM_WM][GEMM_WNV];                                                                       \
            for (int i = 0; i < GEMM_WM; ++i)                                                                     \
                for (int j = 0; j < GEMM_WNV; ++j) acc[i][j] = 0;                                                 \
            for (ulong k = 0; k < K; ++k) {                                                                       \
                gemm8_t bv[GEMM_WNV];                                                                             \
                for (int j = 0; j < GEMM_WNV; ++j) bv[j] = VLOAD_B(b, b_off + k * sbk + n0 + 8 * j);              \
                for (int i = 0; i < GEMM_WM; ++i) {                                                               \
                    const gemm_t av = LOAD_A(a, a_off + (m0 + i) * sam + k * sak);                                \
                    for (int j = 0; j < GEMM_WNV; ++j) acc[i][j] += av * bv[j];                                   \
                }                                                                                                 \
            }                                                                                                     \
            for (int i = 0; i < GEMM_WM; ++i)                                                                     \
                for (int j = 0; j < GEMM_WNV; ++j)                                                                \
                    for (int l = 0; l < 8; ++l)                                                                   \
                        STORE_C(c, c_lo, c_off + (m0 + i) * ldc + n0 + 8 * j + l, acc[i][j][l], accumulate);      \
        } else {                                                                                                  \
            for (ulong m = m0; m < min(m0 + GEMM_WM, M); ++m)                                                     \
                for (ulong n = n0; n < min(n0 + cols, N); ++n) {                                                  \
                    gemm_t s = 0;                                                                                 \
                    for (ulong k = 0; k < K; ++k) s += LOAD_A(a, a_off + m * sam + k * sak) * LOAD_B(b, b_off + k * sbk + n); \
                    STORE_C(c, c_lo, c_off + m * ldc + n, s, accumulate);                                         \
                }                                                                                                 \
        }                                                                                                         \
    }                                                                                                             \
}

/* C = A B with sak == 1 and sbk == 1 (C[m][n] = dot(A row m, B column n), both contiguous): work-item block
 * WM x WN of dot products, accumulated in 8 lanes over k (a scalar tail past the last multiple of 8), then
 * summed lane by lane. Consecutive work-items take consecutive row blocks of one column block. */
#define DEFINE_GEMM_DOT(NAME, A_T, LOAD_A, VLOAD_A, B_T, LOAD_B, VLOAD_B, C_T, STORE_C)                           \
__kernel void NAME(__global const A_T *a, const ulong a_off, const ulong sam, const ulong sak,                    \
                   __global const B_T *b, const ulong b_off, const ulong sbk, const ulong sbn,                    \
                   __global C_T *c, __global gacc_t *c_lo, const ulong c_off, const ulong ldc,                    \
                   const ulong M, const ulong N, const ulong K, const int accumulate) {                           \
    const ulong mb = (M + GEMM_WM - 1) / GEMM_WM, nb = (N + GEMM_WN - 1) / GEMM_WN, k8 = K & ~(ulong)7;            \
    for (ulong blk = get_global_id(0); blk < mb * nb; blk += get_global_size(0)) {                               \
        const ulong m0 = (blk % mb) * GEMM_WM, n0 = (blk / mb) * GEMM_WN;                                        \
        if (m0 + GEMM_WM <= M && n0 + GEMM_WN <= N) {                                                             \
            gemm8_t acc[GEMM_WM][GEMM_WN];                                                                        \
            for (int i = 0; i < GEMM_WM; ++i)                                                                     \
                for (int j = 0; j < GEMM_WN; ++j) acc[i][j] = 0;                                                  \
            for (ulong k = 0; k < k8; k += 8) {                                                                   \
                gemm8_t av[GEMM_WM], bv[GEMM_WN];                                                                 \
                for (int i = 0; i < GEMM_WM; ++i) av[i] = VLOAD_A(a, a_off + (m0 + i) * sam + k);                 \
                for (int j = 0; j < GEMM_WN; ++j) bv[j] = VLOAD_B(b, b_off + (n0 + j) * sbn + k);                 \
                for (int i = 0; i < GEMM_WM; ++i)                                                                 \
                    for (int j = 0; j < GEMM_WN; ++j) acc[i][j] += av[i] * bv[j];                                 \
            }                                                                                                     \
            for (int i = 0; i < GEMM_WM; ++i)                                                                     \
                for (int j = 0; j < GEMM_WN; ++j) {                                                               \
                    const gemm8_t v = acc[i][j];                                                                  \
                    gemm_t s = ((v.s0 + v.s1) + (v.s2 + v.s3)) + ((v.s4 + v.s5) + (v.s6 + v.s7));                 \
                    for (ulong k = k8; k < K; ++k)                                                                \
                        s += LOAD_A(a, a_off + (m0 + i) * sam + k) * LOAD_B(b, b_off + (n0 + j) * sbn + k);       \
                    STORE_C(c, c_lo, c_off + (m0 + i) * ldc + n0 + j, s, accumulate);                             \
                }                                                                                                 \
        } else {                                                                                                  \
            /* an edge block: each element by the same lanes, lane sum and tail as a full block's, so a row's  \
             * results do not depend on where the batch's row blocks fall */                                      \
            for (ulong m = m0; m < min(m0 + GEMM_WM, M); ++m)                                                     \
                for (ulong n = n0; n < min(n0 + GEMM_WN, N); ++n) {                                               \
                    gemm8_t acc = 0;                                                                              \
                    for (ulong k = 0; k < k8; k += 8)                                                             \
                        acc += VLOAD_A(a, a_off + m * sam + k) * VLOAD_B(b, b_off + n * sbn + k);                 \
                    gemm_t s = ((acc.s0 + acc.s1) + (acc.s2 + acc.s3)) + ((acc.s4 + acc.s5) + (acc.s6 + acc.s7)); \
                    for (ulong k = k8; k < K; ++k) s += LOAD_A(a, a_off + m * sam + k) * LOAD_B(b, b_off + n * sbn + k); \
                    STORE_C(c, c_lo, c_off + m * ldc + n, s, accumulate);                                         \
                }                                                                                                 \
        }                                                                                                         \
    }                                                                                                             \
}

#if GEMM_LOCAL
/* C[m, n] = sum_k A(m, k) B(k, n) (+ C[m, n] when accumulate) for m < M, n < N, with A(m, k) = a[a_off + m sam +
 * k sak] and B(k, n) = b[b_off + k sbk + n sbn]: strides express the transposes. A work-group computes a
 * TM x TN tile of C: per TK-deep step it copies a TM x TK tile of A and a TK x TN tile of B into local memory
 * (consecutive work-items read consecutive addresses of whichever dimension is contiguous), then each
 * work-item multiplies its WM x WN register block. Work-item (tm, tn) owns rows tm + i THREADS_M and columns
 * tn + j THREADS_N: neighbouring work-items take neighbouring columns, so their local reads of B are
 * contiguous (no bank conflicts on GPUs; one vector load per lane group where POCL vectorises across
 * work-items) and their reads of A are the same address (a broadcast). Tiles past M, N or K read as 0. */
#define DEFINE_GEMM(NAME, A_T, LOAD_A, B_T, LOAD_B, C_T, STORE_C)                                                  \
__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))                                                         \
void NAME(__global const A_T *a, const ulong a_off, const ulong sam, const ulong sak,                             \
          __global const B_T *b, const ulong b_off, const ulong sbk, const ulong sbn,                             \
          __global C_T *c, __global gacc_t *c_lo, const ulong c_off, const ulong ldc,                              \
          const ulong M, const ulong N, const ulong K, const int accumulate) {                                    \
    __local gemm_t as[GEMM_TK][GEMM_TM + 1];                                                                      \
    __local gemm_t bs[GEMM_TK][GEMM_TN + 1];                                                                      \
    const uint lid = get_local_id(0);                                                                             \
    const uint tn = lid % THREADS_N, tm = lid / THREADS_N;                                                        \
    const ulong tiles_n = (N + GEMM_TN - 1) / GEMM_TN;                                                            \
    const ulong m0 = (get_group_id(0) / tiles_n) * GEMM_TM, n0 = (get_group_id(0) % tiles_n) * GEMM_TN;           \
    gemm_t acc[GEMM_WM][GEMM_WN];                                                                                 \
    for (int i = 0; i < GEMM_WM; ++i)                                                                             \
        for (int j = 0; j < GEMM_WN; ++j) acc[i][j] = 0;                                                          \
    for (ulong k0 = 0; k0 < K; k0 += GEMM_TK) {                                                                   \
        for (uint e = lid; e < GEMM_TM * GEMM_TK; e += WGS) {                                                     \
            const uint mm = sak == 1 ? e / GEMM_TK : e % GEMM_TM, kk = sak == 1 ? e % GEMM_TK : e / GEMM_TM;      \
            const ulong m = m0 + mm, k = k0 + kk;                                                                 \
            as[kk][mm] = m < M && k < K ? LOAD_A(a, a_off + m * sam + k * sak) : (gemm_t)0;                       \
        }                                                                                                         \
        for (uint e = lid; e < GEMM_TN * GEMM_TK; e += WGS) {                                                     \
            const uint nn = sbn == 1 ? e % GEMM_TN : e / GEMM_TK, kk = sbn == 1 ? e / GEMM_TN : e % GEMM_TK;      \
            const ulong n = n0 + nn, k = k0 + kk;                                                                 \
            bs[kk][nn] = n < N && k < K ? LOAD_B(b, b_off + k * sbk + n * sbn) : (gemm_t)0;                       \
        }                                                                                                         \
        barrier(CLK_LOCAL_MEM_FENCE);                                                                             \
        for (int kk = 0; kk < GEMM_TK; ++kk) {                                                                    \
            gemm_t av[GEMM_WM], bv[GEMM_WN];                                                                      \
            for (int i = 0; i < GEMM_WM; ++i) av[i] = as[kk][tm + i * THREADS_M];                                 \
            for (int j = 0; j < GEMM_WN; ++j) bv[j] = bs[kk][tn + j * THREADS_N];                                 \
            for (int i = 0; i < GEMM_WM; ++i)                                                                     \
                for (int j = 0; j < GEMM_WN; ++j) acc[i][j] += av[i] * bv[j];                                     \
        }                                                                                                         \
        barrier(CLK_LOCAL_MEM_FENCE);                                                                             \
    }                                                                                                             \
    for (int i = 0; i < GEMM_WM; ++i) {                                                                           \
        const ulong m = m0 + tm + i * THREADS_M;                                                                  \
        for (int j = 0; j < GEMM_WN; ++j) {                                                                       \
            const ulong n = n0 + tn + j * THREADS_N;                                                              \
            if (m < M && n < N) {                                                                                 \
                const ulong at = c_off + m * ldc + n;                                                             \
                STORE_C(c, c_lo, at, acc[i][j], accumulate);                                                      \
            }                                                                                                     \
        }                                                                                                         \
    }                                                                                                             \
}

/* Z = X W^T: A = X (real_t), B = W^T (real_t), C = Z (gemm_t). */
DEFINE_GEMM(lce_gemm_logits, real_t, REAL_LOAD, real_t, REAL_LOAD, gemm_t, GEMM_STORE_C)
/* dX = dZ W: A = dZ (gemm_t), B = W (real_t), C = dX (the input's dtype, written once). */
DEFINE_GEMM(lce_gemm_dx, gemm_t, GEMM_LOAD, real_t, REAL_LOAD, real_t, REAL_STORE_C)
/* dW (+)= dZ^T X: A = dZ^T (gemm_t), B = X (real_t), C = dW's gacc_t running sum (with its compensation c_lo). */
DEFINE_GEMM(lce_gemm_dw, gemm_t, GEMM_LOAD, real_t, REAL_LOAD, gacc_t, DW_STORE_C)
#else
DEFINE_GEMM_DOT(lce_gemm_logits, real_t, REAL_LOAD, VLOAD_REAL8, real_t, REAL_LOAD, VLOAD_REAL8, gemm_t, GEMM_STORE_C)
DEFINE_GEMM_ROWS(lce_gemm_dx, gemm_t, GEMM_LOAD, real_t, REAL_LOAD, VLOAD_REAL8, real_t, REAL_STORE_C)
DEFINE_GEMM_ROWS(lce_gemm_dw, gemm_t, GEMM_LOAD, real_t, REAL_LOAD, VLOAD_REAL8, gacc_t, DW_STORE_C)
#endif

/* The classes of one row split among the work-group: contiguous chunks on CPUs, interleaved on GPUs
 * (coalesced). Fixed by V and WGS, so the merge below is deterministic. */
#if LAYOUT_CHUNKED
#define FOR_ROW_CLASS(c, v)                                                              \
    const ulong _per = ((v) + WGS - 1) / WGS;                                            \
    const ulong _c0 = min((ulong)get_local_id(0) * _per, (ulong)(v));                    \
    const ulong _c1 = min(_c0 + _per, (ulong)(v));                                       \
    for (ulong c = _c0; c < _c1; ++c)
#else
#define FOR_ROW_CLASS(c, v) for (ulong c = get_local_id(0); c < (ulong)(v); c += WGS)
#endif

/* softcap: y = s tanh(u), u = z / s, and its derivative dy/dz = 1 - tanh(u)^2 = 4 e / (1 + e)^2 with
 * e = exp(-2|u|). Computing the derivative from e keeps it accurate to a few ulps relative, down to an exact 0
 * where tanh saturates; 1 - tanh(u)^2 from a rounded tanh (a float tanh may return 1 - 4 ulps at u = 1e6) is
 * off by up to 1e-6 absolute there, which a large weight in linear_weight amplifies in dX. tanh from
 * expm1, -m / (2 + m) with m = expm1(-2|u|): no cancellation at small u. */
inline acc_t lce_softcap(const acc_t z, const acc_t cap, acc_t *dydz) {
    const acc_t u = z / cap, au = fabs(u);
    const acc_t m = expm1(-2 * au), e = exp(-2 * au);
    *dydz = 4 * e / ((1 + e) * (1 + e));
    const acc_t t = -m / (2 + m);
    return cap * (u < 0 ? -t : t);
}

/* The logit y_c of a chunk row z (the GEMM's z_c, the bias, softcap) and dy/dz (1 without softcap). */
inline acc_t lce_logit(__global const gemm_t *zr, __global const real_t *bias, const ulong c, const acc_t cap, acc_t *dydz) {
    const acc_t y = (acc_t)zr[c] + (bias ? LOAD(bias, c) : 0);
    *dydz = 1;
#if SOFTCAP
    return lce_softcap(y, cap, dydz);
#else
    (void)cap;
    return y;
#endif
}

/* One work-group per row of the chunk. Pass 1: y_c = softcap(z_c + b_c) (z is left as it is: pass 2
 * recomputes y_c and its derivative from it), the row's (max, sum exp) and, for label smoothing, eps / V sum_c w_c y_c. The row's loss (cross_entropy.cl's formula):
 *   l = (1 - eps) w_t (lse - y_t) + eps / V sum_c w_c (lse - y_c) + z_loss lse^2
 * Pass 2 (GRAD), with p_c = exp(y_c - lse), writes dL/dz_c over y_c:
 *   g_c = cs ((1 - eps) w_t (p_c - [c == t]) + eps / V (W p_c - w_c)) + zs 2 z_loss lse p_c
 * times softcap's dy/dz (lce_softcap); cs, zs are the reduction's scales (1, or 1 / sum w_t and
 * 1 / rows kept for mean); an ignored row's g is 0 p_c (0, NaN where the row is NaN, as PyTorch). The NLL and
 * smoothing parts are scaled separately so that a zero total weight gives PyTorch's NaN. */
__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void lce_rows(__global gemm_t *z, __global const real_t *bias, __global const long *target,
              __global const real_t *weight, const ulong V, const ulong r0, const long ignore_index,
              const acc_t eps, const acc_t w_all, const acc_t cap, const acc_t z_loss,
              const acc_t cs, const acc_t zs, __global real_t *out, __global acc_t *row_loss) {
    __local acc_t s1[WGS], s2[WGS];
    const ulong row = get_group_id(0);
    __global gemm_t *zr = z + row * V;
    const long t = target[r0 + row];
    const int ignored = t == ignore_index;
    lse_t st = LSE_EMPTY;
    acc_t wy = 0;
    acc_t dydz;
    FOR_ROW_CLASS(c, V) {
        const acc_t y = lce_logit(zr, bias, c, cap, &dydz);
        lse_add(&st, y);
        if (eps > 0) wy += eps / V * (weight ? LOAD(weight, c) : 1) * y; /* scaled first: w_c y_c may overflow a float */
    }
    const lse_t all = wg_lse(st, s1, s2);
    const acc_t lse = lse_value(all);
    if (eps > 0) wy = wg_sum(wy, s1);
    const acc_t wt = ignored ? 0 : weight ? LOAD(weight, t) : 1;
    acc_t l = 0;
    if (!ignored) {
        l = (1 - eps) * wt * cs * (lse - lce_logit(zr, bias, (ulong)t, cap, &dydz))
            + (eps > 0 ? (eps / V * w_all * lse - wy) * cs : 0) + (ZLOSS ? z_loss * lse * lse * zs : 0);
    }
    if (get_local_id(0) == 0) {
#if REDUCE
        row_loss[r0 + row] = l;
#else
        STORE(out, r0 + row, l);
#endif
    }
#if GRAD
    barrier(CLK_GLOBAL_MEM_FENCE); /* every z_t is read before any is overwritten */
    const acc_t a = (1 - eps) * wt * cs, sm = eps / V * cs, zc = ZLOSS ? 2 * z_loss * lse * zs : 0;
    { FOR_ROW_CLASS(c, V) {
        const acc_t y = lce_logit(zr, bias, c, cap, &dydz);
        const acc_t p = exp(y - lse);
        acc_t g;
        if (ignored) {
            g = 0 * p;
        } else {
            g = a * (p - (c == (ulong)t ? 1 : 0)) + zc * p;
            if (eps > 0) g += sm * (w_all * p - (weight ? LOAD(weight, c) : 1));
        }
        zr[c] = (gemm_t)(g * dydz);
    } }
#endif
}

/* db[v] (+)= sum of column v of the chunk's dL/dz, rows in order: one work-item per column; the running sum
 * as dW's (db_lo: its compensation, or NULL). */
__kernel void lce_bias_grad(__global const gemm_t *z, const ulong rows, const ulong V, __global gacc_t *db,
                            __global gacc_t *db_lo, const int accumulate) {
    for (ulong v = get_global_id(0); v < V; v += get_global_size(0)) {
        gemm_t s = 0;
        for (ulong r = 0; r < rows; ++r) s += z[r * V + v];
        acc_split(db + v, db_lo ? db_lo + v : 0, s, accumulate);
    }
}

/* out = acc (+ lo) rounded to the tensors' dtype (dW and db of 16-bit tensors, accumulated in float). */
__kernel void lce_store(__global const gacc_t *acc, __global const gacc_t *lo, const ulong n, __global real_t *out) {
    FOR_EACH_INDEX(i, n) STORE(out, i, (gemm_t)acc[i] + (lo ? (gemm_t)lo[i] : 0));
}
