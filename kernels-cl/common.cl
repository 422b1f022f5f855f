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
#define ACC_MAX DBL_MAX
#else
typedef float acc_t;
#define ACC_MAX FLT_MAX
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

/* Running sums of one work-item. In double they are exact enough for any length we can hold;
 * in float (the FLOAT precision) they are Kahan-compensated so long reductions stay accurate. Once the sum
 * is infinite the compensation (inf - inf) would turn it into NaN: it is then kept at 0, so an infinite
 * term gives an infinite sum (and +inf + -inf a NaN), as a plain sum does. */
typedef struct { acc_t s; acc_t c; } sum_t;
#define SUM_ZERO ((sum_t){0, 0})
inline void sum_add(sum_t *a, acc_t v) {
#if USE_FP64
    a->s += v;
#else
    acc_t y = v - a->c;
    acc_t t = a->s + y;
    a->c = isfinite(t) ? (t - a->s) - y : (acc_t)0;
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

/* Single-pass reduction: the parameters a reducing kernel ends its parameter list with, and its last
 * statement. Each work-group stores its partial, then counts itself done on a counter (one int per queue,
 * zero between launches); the work-group that finds every other one done sums the partials in index order
 * through reduce_partials' tree, writes out[0] = out_scale * sum and sets the counter back to zero. Which
 * group comes last varies, the order of the sum does not: bitwise the two-pass result, in one launch.
 * The fence orders a group's partial before its count; the last group reads the partials as volatile (the
 * threadfence reduction: OpenCL 1.2 has no inter-group ordering that Oclgrind models, so it reports these
 * reads against the other groups' stores, and tools/oclgrind/check.py sets that one pair aside); the count
 * is reset atomically, after every other group has counted itself. */
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
        atomic_xchg(done_count, 0);
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

/* The call's device error flag (one int, shared by every kernel that checks values the host could not:
 * device-resident class indices, probabilities, entropy inputs). The host fills it with INT_MAX
 * (clEnqueueFillBuffer, no host wait) and reads it with the results; a kernel lowers it to the smallest
 * offending index, so the host can name the first bad element. err is NULL when nothing needs checking. */
inline void flag_error(volatile __global int *err, ulong index) {
    if (err) atomic_min(err, (int)min(index, (ulong)INT_MAX - 1));
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
 * work-item moves whole 16-element blocks with vload16/vstore16 (it does not vectorise scalar loads of one
 * contiguous chunk per work-item). VLOAD16(p, i) widens elements p[i..i+15] to an acc16_t vector;
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
/* sum16_add for terms that cannot make the sum infinite (the exps of a row scan, in [0, 1]): no guard. */
inline sum16_t sum16_add_finite(sum16_t a, acc16_t v) {
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
inline sum16_t sum16_add(sum16_t a, acc16_t v) {
    a = sum16_add_finite(a, v);
#if !USE_FP64
    a.c = select((acc16_t)0, a.c, isfinite(a.s));   /* as sum_add */
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
