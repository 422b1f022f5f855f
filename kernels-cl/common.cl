/* common.cl: prepended to every losscl program.
 *
 * Build options set by the host (OpenClContext.options):
 *   WGS            work-group size, a power of two (tree reductions rely on it)
 *   LAYOUT_CHUNKED 1 on CPU devices (each work-item streams one contiguous chunk),
 *                  0 on GPUs (grid-stride: neighbouring work-items read neighbouring elements)
 *   USE_FP64       1 when the device has cl_khr_fp64: accumulate in double
 *   DTYPE_F32 / DTYPE_F64 / DTYPE_F16 / DTYPE_BF16   storage type of floating tensors
 */
#ifndef WGS
#define WGS 64
#endif
#ifndef LAYOUT_CHUNKED
#define LAYOUT_CHUNKED 0
#endif

#if USE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double acc_t;
#else
typedef float acc_t;
#endif

/* real_t: how floating tensors are stored. LOAD widens an element to acc_t; STORE rounds once,
 * to nearest even, into the storage type. */
#if DTYPE_F64
typedef double real_t;
#define LOAD(p, i) ((acc_t)(p)[i])
#define STORE(p, i, v) ((p)[i] = (double)(v))
#elif DTYPE_F16
typedef half real_t;
#define LOAD(p, i) ((acc_t)vload_half((i), (p)))
#define STORE(p, i, v) vstore_half_rte((v), (i), (p))
#elif DTYPE_BF16
typedef ushort real_t;
inline acc_t bf16_load(ushort b) { return (acc_t)as_float(((uint)b) << 16); }
inline ushort bf16_round(acc_t v) {
    float f = (float)v;
    if (isnan(f)) return (ushort)0x7fc0;
    uint u = as_uint(f);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (ushort)(u >> 16);
}
#define LOAD(p, i) bf16_load((p)[i])
#define STORE(p, i, v) ((p)[i] = bf16_round(v))
#else
typedef float real_t;
#define LOAD(p, i) ((acc_t)(p)[i])
#define STORE(p, i, v) ((p)[i] = (float)(v))
#endif

/* Transcendental math stays in acc_t. Mixed precision (exp/log in float, corrected in double for the
 * argument's rounding, sums kept in acc_t) was implemented and measured on POCL (2026-11): (1) wherever an
 * exp or log feeds an output element of its own (a gradient element, a per-element loss, or the
 * log-sum-exp that every softmax gradient element depends on), a float exp's error of up to an ulp plus the
 * final rounding made some elements less accurate than PyTorch's float32 ones (the conformance rule);
 * (2) where it feeds only a reduced loss (binary_cross_entropy's sum), the conversions and the range check
 * made the kernel slower, not faster (16M elements: 30 -> 40 ms), since POCL's vectorised double exp/log
 * are only ~2x slower than the float ones. What does pay (binary_cross_entropy, below: exp_neg16_f,
 * log1p_s16_f, log16_f) is double polynomials sized to a float result. Moving a small series tail into
 * float lanes (error scaled down by the tail's size) was measured too (2026-11, 16M logits fwd+bwd):
 * kernel CPU time 21 -> 24 ms, as the double <-> float conversions cost more than the narrower lanes save. */

/* Running sums of one work-item. In double they are exact enough for any length we can hold;
 * in float (no fp64 on the device) they are Kahan-compensated so long reductions stay accurate. */
typedef struct { acc_t s; acc_t c; } sum_t;
#define SUM_ZERO ((sum_t){0, 0})
inline void sum_add(sum_t *a, acc_t v) {
#if USE_FP64
    a->s += v;
#else
    acc_t y = v - a->c;
    acc_t t = a->s + y;
    a->c = (t - a->s) - y;
    a->s = t;
#endif
}
inline acc_t sum_get(sum_t a) { return a.s; }

/* Element loop of a streaming kernel over [0, n). CPU: one contiguous chunk per work-item, chunk
 * rounded to 16 elements so chunks stay aligned for vector loads. GPU: grid-stride for coalescing.
 * Both partitions depend only on n and the launch size, so results are deterministic. */
#if LAYOUT_CHUNKED
#define FOR_EACH_INDEX(i, n)                                                        \
    const ulong _items = get_global_size(0);                                        \
    const ulong _chunk = ((((ulong)(n)) + _items - 1) / _items + 15) & ~(ulong)15;  \
    const ulong _begin = min((ulong)get_global_id(0) * _chunk, (ulong)(n));        \
    const ulong _end = min(_begin + _chunk, (ulong)(n));                            \
    for (ulong i = _begin; i < _end; ++i)
#else
#define FOR_EACH_INDEX(i, n) \
    for (ulong i = get_global_id(0); i < (ulong)(n); i += get_global_size(0))
#endif

/* Sum of v over the work-group by a fixed tree (deterministic); every work-item gets the result.
 * scratch: WGS acc_t of local memory. */
inline acc_t wg_sum(acc_t v, __local acc_t *scratch) {
    const uint lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = get_local_size(0) >> 1; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] += scratch[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    acc_t r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

/* Maximum of v over the work-group (NaN-propagating like torch.max); every work-item gets it. */
inline acc_t wg_max(acc_t v, __local acc_t *scratch) {
    const uint lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = get_local_size(0) >> 1; s > 0; s >>= 1) {
        if (lid < s) {
            acc_t a = scratch[lid], b = scratch[lid + s];
            scratch[lid] = (isnan(a) || a >= b) ? a : b;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    acc_t r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

/* Online log-sum-exp: the running maximum m of the values seen and s = sum exp(x - m), so a row is read
 * once for both (the "online softmax" of Milakov & Gimelshein). A -inf value adds nothing; NaN poisons the
 * state. lse_value follows PyTorch's log_softmax (x - max - log sum exp(x - max)): a row holding +inf, or
 * only -inf, has a NaN log-sum-exp. */
typedef struct { acc_t m; acc_t s; } lse_t;
#define LSE_EMPTY ((lse_t){-INFINITY, 0})
inline void lse_add(lse_t *a, acc_t x) {
    if (isnan(x)) { a->m = x; a->s = x; return; }
    if (x == -INFINITY) return;
    if (x > a->m) { a->s = a->s * exp(a->m - x) + 1; a->m = x; }   /* rescale the old sum to the new max */
    else a->s += exp(x - a->m);                                     /* NaN once m is NaN or both are +inf */
}
inline lse_t lse_merge(lse_t a, lse_t b) {
    if (isnan(a.m) || isnan(b.m)) return (lse_t){NAN, NAN};
    if (b.m == -INFINITY) return a;   /* b saw nothing (or only -inf) */
    if (a.m == -INFINITY) return b;
    const acc_t m = fmax(a.m, b.m);   /* two +inf maxima give exp(inf - inf) = NaN, as PyTorch */
    return (lse_t){m, a.s * exp(a.m - m) + b.s * exp(b.m - m)};
}
inline acc_t lse_value(lse_t a) { return isinf(a.m) ? (acc_t)NAN : a.m + log(a.s); }

/* Merges the (max, sum) states of the work-group by a fixed tree (deterministic); every work-item gets
 * the result. sm, ss: WGS acc_t of local memory each. */
inline lse_t wg_lse(lse_t v, __local acc_t *sm, __local acc_t *ss) {
    const uint lid = get_local_id(0);
    sm[lid] = v.m;
    ss[lid] = v.s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = get_local_size(0) >> 1; s > 0; s >>= 1) {
        if (lid < s) {
            lse_t r = lse_merge((lse_t){sm[lid], ss[lid]}, (lse_t){sm[lid + s], ss[lid + s]});
            sm[lid] = r.m;
            ss[lid] = r.s;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    lse_t r = (lse_t){sm[0], ss[0]};
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

/* Writes this work-group's partial sums (ncomp of them) for reduce_partials. */
inline void store_partial(__global acc_t *partials, uint ncomp, uint comp, acc_t work_group_total) {
    if (get_local_id(0) == 0) partials[get_group_id(0) * ncomp + comp] = work_group_total;
}

/* Single-pass reduction: the parameters a reducing kernel ends its parameter list with, and its last
 * statement. Each work-group stores its partial, then counts itself done on a counter (one int per queue,
 * zero between launches); the work-group that finds every other one done sums the partials in index order
 * through reduce_partials' tree, writes out[0] = out_scale * sum and sets the counter back to zero. Which
 * group comes last varies, the order of the sum does not: bitwise the two-pass result, in one launch.
 * The fence orders a group's partial before its count; the last group reads the partials as volatile. */
#define SUM_ARGS , const acc_t out_scale, volatile __global uint *done_count
#define FINISH_SUM(work_group_total, scratch) \
    sum_last_group(partials, out, out_scale, done_count, (work_group_total), (scratch))

inline void sum_last_group(__global acc_t *partials, __global real_t *out, const acc_t scale,
                           volatile __global uint *done_count, const acc_t work_group_total, __local acc_t *scratch) {
    const uint groups = get_num_groups(0);
    if (get_local_id(0) == 0) {
        partials[get_group_id(0)] = work_group_total;
        mem_fence(CLK_GLOBAL_MEM_FENCE);
        scratch[0] = atomic_inc(done_count) == groups - 1 ? 1 : 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const bool last = scratch[0] != 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (!last) return;
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    volatile __global const acc_t *p = partials;
    sum_t s = SUM_ZERO;
    for (uint g = get_local_id(0); g < groups; g += get_local_size(0)) sum_add(&s, p[g]);
    const acc_t total = wg_sum(sum_get(s), scratch);
    if (get_local_id(0) == 0) {
        STORE(out, 0, total * scale);
        *done_count = 0;
    }
}

/* Second stage of every reduction, run as one work-group: sums the partials of `groups` work-groups
 * in a fixed order and tree, then writes out[0] = scale * s0 (mode 0) or s0 / s1 (mode 1). */
__kernel void reduce_partials(__global const acc_t *partials, const int groups, const int ncomp,
                              const int mode, const acc_t scale, __global real_t *out) {
    __local acc_t scratch[WGS];
    sum_t s0 = SUM_ZERO, s1 = SUM_ZERO;
    for (int g = get_local_id(0); g < groups; g += get_local_size(0)) {
        sum_add(&s0, partials[g * ncomp]);
        if (ncomp > 1) sum_add(&s1, partials[g * ncomp + 1]);
    }
    acc_t t0 = wg_sum(sum_get(s0), scratch);
    acc_t t1 = wg_sum(sum_get(s1), scratch);
    if (get_local_id(0) == 0) STORE(out, 0, mode == 1 ? t0 / t1 : t0 * scale);
}

/* Broadcasting: flat index i of an output shape -> flat index into a tensor broadcast against it.
 * map = {rank, dims[rank], strides[rank]} from Broadcast.kernelMap (stride 0 on broadcast dims). */
inline ulong bcast_index(ulong i, __global const long *map) {
    const int rank = (int)map[0];
    ulong idx = 0;
    for (int d = rank - 1; d >= 0; --d) {
        const ulong dim = (ulong)map[1 + d];
        idx += (i % dim) * (ulong)map[1 + rank + d];
        i /= dim;
    }
    return idx;
}

/* Vector access for streaming kernels on the chunked (CPU) layout: POCL streams memory only when a
 * work-item moves whole 16-element blocks with vload16/vstore16 (scalar loads of one contiguous chunk
 * per work-item ran ~4x slower). VLOAD16(p, i) widens elements p[i..i+15] to an acc16_t vector;
 * VSTORE16(p, i, v) rounds the 16 lanes of v into the storage type like STORE. vloadn needs
 * only element alignment, so any i works; callers keep i a multiple of 16 anyway. */
#if USE_FP64
typedef double16 acc16_t;
#define convert_acc16 convert_double16
#else
typedef float16 acc16_t;
#define convert_acc16 convert_float16
#endif
/* Per-lane running sums of a 16-wide streaming loop; sum16_total adds the lanes in a fixed order, so the
 * result depends only on n and the launch size. Kahan-compensated per lane when acc_t is float. */
typedef struct { acc16_t s; acc16_t c; } sum16_t;
#define SUM16_ZERO ((sum16_t){0, 0})
inline sum16_t sum16_add(sum16_t a, acc16_t v) {
#if USE_FP64
    a.s += v;
#else
    const acc16_t y = v - a.c;
    const acc16_t t = a.s + y;
    a.c = (t - a.s) - y;
    a.s = t;
#endif
    return a;
}
inline sum_t sum16_total(sum16_t a) {
    sum_t t = SUM_ZERO;
    for (int j = 0; j < 16; ++j) sum_add(&t, a.s[j] - a.c[j]);
    return t;
}
/* Lane numbers in the integer type that select() pairs with acc16_t, to mask a partial vector's lanes. */
#if USE_FP64
typedef long16 acc16_mask_t;
#else
typedef int16 acc16_mask_t;
#endif
#define LANE_INDEX16 ((acc16_mask_t)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))

#if DTYPE_F16
#define VLOAD16(p, i) convert_acc16(vload_half16(0, (p) + (i)))
#define VSTORE16(p, i, v) vstore_half16_rte((v), 0, (p) + (i))
#elif DTYPE_BF16
#define VLOAD16(p, i) convert_acc16(as_float16(convert_uint16(vload16(0, (p) + (i))) << 16))
#define VSTORE16(p, i, v) do { acc16_t _v = (v); for (int _j = 0; _j < 16; ++_j) (p)[(i) + _j] = bf16_round(_v[_j]); } while (0)
#elif DTYPE_F64
#define VLOAD16(p, i) convert_acc16(vload16(0, (p) + (i)))
#define VSTORE16(p, i, v) vstore16(convert_double16(v), 0, (p) + (i))
#else
#define VLOAD16(p, i) convert_acc16(vload16(0, (p) + (i)))
#define VSTORE16(p, i, v) vstore16(convert_float16(v), 0, (p) + (i))
#endif

/* exp on 8 or 16 acc_t lanes, for the streaming loops of transcendental-bound kernels on CPU devices. With fp64, POCL's vector
 * double exp (SLEEF, correct to 1 double ulp) costs ~1.6x this one, and float results need far less: after
 * Cody-Waite reduction d = k ln2 + r (ln2_hi has trailing zeros, so k ln2_hi and d - k ln2_hi are exact),
 * |r| <= ln2/2, Taylor to degree 11 leaves a relative error below 2^-46, so a float result rounds as from
 * the exact value except within 2^-22 ulp of a tie. 2^k is added to the exponent bits. Written without
 * fma(): POCL lowers fma on double16 to a slow path (measured 0.83 vs 0.25 ns per element). d < -708 gives
 * 0 (the exact value is below 2^-1021, nothing in float), d > 709.78 gives +inf, NaN stays NaN. */
#if USE_FP64
#define DEFINE_EXP_N(N)                                                                          \
inline double##N exp##N(double##N d) {                                                           \
    const double##N dc = fmin(fmax(d, (double##N)-708.0), (double##N)709.0);                     \
    const double##N magic = (double##N)0x1.8p52; /* adding it rounds to an integer in the low bits */ \
    const double##N kb = dc * (double##N)1.4426950408889634 + magic;                             \
    const double##N kd = kb - magic;                                                             \
    double##N r = kd * (double##N)-6.93147180369123816490e-01 + dc;                              \
    r = kd * (double##N)-1.90821492927058770002e-10 + r;                                         \
    double##N p = (double##N)(1.0 / 39916800);                                                   \
    p = p * r + (double##N)(1.0 / 3628800);                                                      \
    p = p * r + (double##N)(1.0 / 362880);                                                       \
    p = p * r + (double##N)(1.0 / 40320);                                                        \
    p = p * r + (double##N)(1.0 / 5040);                                                         \
    p = p * r + (double##N)(1.0 / 720);                                                          \
    p = p * r + (double##N)(1.0 / 120);                                                          \
    p = p * r + (double##N)(1.0 / 24);                                                           \
    p = p * r + (double##N)(1.0 / 6);                                                            \
    p = p * r + (double##N)0.5;                                                                  \
    p = p * r + (double##N)1.0;                                                                  \
    p = p * r + (double##N)1.0;                                                                  \
    const long##N k = as_long##N(kb) - as_long##N(magic);                                        \
    double##N res = as_double##N(as_long##N(p) + (k << 52));                                     \
    res = select(res, (double##N)0, d < -708.0);                                                 \
    res = select(res, (double##N)INFINITY, d > 709.78);                                          \
    return select(res, d, isnan(d));                                                             \
}                                                                                                \
/* log(1 + u) for u in [0, 1] given as s = u / (2 + u) in [0, 1/3]: 2 atanh(s) = 2 s sum s^2k / (2k + 1), \
 * 15 terms (s^2 <= 1/9: the rest is below 2^-50 relative). No range reduction is needed on [0, 1]. */ \
inline double##N log1p_s##N(double##N s) {                                                       \
    const double##N z = s * s;                                                                   \
    double##N q = (double##N)(1.0 / 29);                                                         \
    q = q * z + (double##N)(1.0 / 27); q = q * z + (double##N)(1.0 / 25);                         \
    q = q * z + (double##N)(1.0 / 23); q = q * z + (double##N)(1.0 / 21);                         \
    q = q * z + (double##N)(1.0 / 19); q = q * z + (double##N)(1.0 / 17);                         \
    q = q * z + (double##N)(1.0 / 15); q = q * z + (double##N)(1.0 / 13);                         \
    q = q * z + (double##N)(1.0 / 11); q = q * z + (double##N)(1.0 / 9);                          \
    q = q * z + (double##N)(1.0 / 7); q = q * z + (double##N)(1.0 / 5);                           \
    q = q * z + (double##N)(1.0 / 3); q = q * z + (double##N)1.0;                                 \
    return 2 * s * q;                                                                            \
}
DEFINE_EXP_N(8)
DEFINE_EXP_N(16)

/* Cheaper versions for results stored as float (or half): measured on POCL (16M binary_cross_entropy_with_logits
 * fwd+bwd), the polynomials above were most of the kernel's time. A float result must stay within one float ulp
 * of the exact answer even where the caller subtracts nearly equal values (sigmoid(x) - y in a gradient), so the
 * exp is kept relatively accurate far below a float ulp, not just to 2^-24: a relative error eps in e moves
 * sigmoid(x) - y by ~eps sigmoid(x), over a float ulp of the answer once sigmoid(x) / |sigmoid(x) - y| passes
 * 2^-24 / eps. At 2^-39.8 that takes a cancellation beyond 2^15, where PyTorch's own float32 error (rounding
 * sigmoid to float) is thousands of ulps; a float-accurate exp (2^-28) would lose to PyTorch on an estimated
 * ~0.1% of random elements. The exp's polynomial is thus the largest cost left (measured ~45% of the logits
 * kernel).
 *
 * exp_neg16_f(a) for a <= 0 (or NaN): Cody-Waite reduction with one constant (|k| <= 1022, so k ln2's rounding
 * is below 2^-43 absolute), then a degree-8 minimax polynomial on |r| <= ln2/2 (relative error 2^-39.8,
 * mpmath chebyfit) in double. 2^k multiplies instead of being added to the exponent bits, so a NaN argument
 * stays NaN without a select. a < -708 is computed as -708: exp(-708) ~ 3e-308, which rounds to 0 in float. */
inline double16 exp_neg16_f(double16 a) {
    const double16 ac = select(a, (double16)-708.0, a < -708.0);   /* keeps NaN (the compare is false) */
    const double16 magic = (double16)0x1.8p52;
    const double16 kb = ac * (double16)1.4426950408889634 + magic; /* low bits of kb: the integer k */
    const double16 kd = kb - magic;
    const double16 r = kd * (double16)-0.6931471805599453 + ac;
    /* Even and odd coefficients by Horner in r^2: two half-length dependency chains (one extra multiply)
     * measured ~5% faster on the whole kernel than one Horner chain in r. */
    const double16 r2 = r * r;
    double16 ev = (double16)2.487621850932101e-05;
    ev = ev * r2 + (double16)0.0013888821579429661;
    ev = ev * r2 + (double16)0.04166666689144862;
    ev = ev * r2 + (double16)0.49999999999797345;
    ev = ev * r2 + (double16)1.0;
    double16 od = (double16)0.0001991592144322987;
    od = od * r2 + (double16)0.008333265999696034;
    od = od * r2 + (double16)0.16666666891537657;
    od = od * r2 + (double16)0.9999999999797261;
    const double16 p = od * r + ev;
    /* 2^k built as a double: exponent field k + 1023 (k >= -1022 after the clamp). */
    const long16 bits = (as_long16(kb) - as_long16(magic) + 1023) << 52;
    return p * as_double16(bits);
}

/* 2 atanh(s) = 2s + 2s z Q(z) with z = s^2 and Q(z) = q4 z^4 + ... + q0 (a minimax fit for the caller's range
 * of z): the shared core of log1p_s16_f and log16_f, whose tails differ only in range and coefficients. */
inline double16 two_atanh16(double16 s, double q4, double q3, double q2, double q1, double q0) {
    const double16 z = s * s;
    double16 q = (double16)q4;
    q = q * z + (double16)q3;
    q = q * z + (double16)q2;
    q = q * z + (double16)q1;
    q = q * z + (double16)q0;
    const double16 s2 = 2 * s;
    return s2 * z * q + s2;
}

/* log(1 + u) = 2 atanh(s) for s = u / (2 + u) in [0, 1/3] (u in [0, 1]) for float results: 2 atanh(s) =
 * 2s + 2s z Q(z) with z = s^2 <= 1/9, Q a degree-4 minimax on [0, 1/9] (relative error 2^-26.6, mpmath
 * chebyfit) on a tail of at most 4.5% of the result (z Q(z) <= 0.0437): 2^-31 of the result, against
 * log1p_s16's 15 terms. (The tail in float lanes, converted back and forth, measured slower than this.) */
inline double16 log1p_s16_f(double16 s) {
    return two_atanh16(s, 0.11612164612011674, 0.10853287900440187, 0.14296178997151418, 0.1999985316596486,
                       0.3333333366026371);
}

/* log(x) for float results, on 16 double lanes: POCL's vector double log cost more than the rest of
 * binary_cross_entropy together. x = 2^k m with m in [sqrt(1/2), sqrt(2)) straight from the bits (x - sqrt(1/2)'s
 * bits, shifted: k; the rest: m's bits), then log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716 (m - 1 is
 * exact), = 2s + 2s z Q(z) with z = s^2 <= 0.0295 and Q a degree-4 minimax on [0, 0.0295] (relative error
 * 2^-36.4 on a tail below 1% of log m: 2^-43 of the result). Lanes outside (0, inf) (rare: clamped or checked
 * inputs) take the builtin's answer (log 0 = -inf, log inf = inf, NaN for negatives and NaN). Subnormal doubles
 * (below 2^-1022) would be misread; float, half and bfloat16 values and their ratios never are one. */
inline double16 log16_f(double16 x) {
    const long16 half_sqrt2 = (long16)0x3fe6a09e667f3bcdL;           /* bits of sqrt(1/2) */
    const long16 k = (as_long16(x) - half_sqrt2) >> 52;
    const double16 m = as_double16(as_long16(x) - (k << 52));
    const double16 s = (m - 1) / (m + 1);
    double16 r = convert_double16(k) * (double16)0.6931471805599453
               + two_atanh16(s, 0.09681593466080882, 0.11095686690472316, 0.14285877484175175, 0.19999999397609577,
                             0.33333333333688325);
    if (any(!(x > 0 && x < (double16)INFINITY))) r = select(r, log(x), !(x > 0 && x < (double16)INFINITY));
    return r;
}
#else
#define exp16(d) exp(d)
#define exp8(d) exp(d)
#endif
