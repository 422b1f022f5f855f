/* broadcast.cl: PyTorch broadcasting for any loss whose inputs may differ in shape or dtype.
 *
 * The common case (every input already of the output's shape and dtype) never comes here: losses
 * read their inputs in place. Otherwise the host
 *   1. expands each smaller or differently-typed input into a temporary of the full shape and the
 *      result dtype (broadcast_expand), so the loss's own streaming kernel stays branch-free, and
 *   2. sums the full-size gradient of a broadcast input back to that input's shape (sum_to_shape,
 *      or sum_to_shape_wide when each element has many preimages), as autograd does.
 * Both use the map of Broadcast.kernelMap: {rank, dims of the full shape, strides of the small one,
 * 0 on broadcast dimensions}.
 *
 * Build options: the usual dtype of real_t (the result), and for broadcast_expand the dtype of the
 * source: SRC_I64, SRC_F16, SRC_BF16, SRC_F32 (a float32 source of a float64 result) or SRC_F64 (a
 * float64 source of a narrower result, e.g. hinge_embedding_loss's target: rounded once, on the store);
 * none means the source is real_t already. */

#if SRC_I64
typedef long src_t;
#define SRC_LOAD(p, i) ((acc_t)(p)[i])
#elif SRC_F16
typedef half src_t;
#define SRC_LOAD(p, i) ((acc_t)vload_half((i), (p)))
#elif SRC_BF16
typedef ushort src_t;
#define SRC_LOAD(p, i) ((acc_t)as_float(((uint)(p)[i]) << 16))
#elif SRC_F32
typedef float src_t;
#define SRC_LOAD(p, i) ((acc_t)(p)[i])
#elif SRC_F64
typedef double src_t;
#define SRC_LOAD(p, i) ((acc_t)(p)[i])
#else
typedef real_t src_t;
#define SRC_LOAD(p, i) LOAD(p, i)
#endif

/* dst[i] = src[bcast_index(i)] for the n elements of the full shape, converted to real_t (rounded
 * once). Writes are contiguous per work-item; reads repeat a small tensor and stay in cache. */
__kernel void broadcast_expand(__global const src_t *src, __global const long *map, const ulong n,
                               __global real_t *dst) {
    FOR_EACH_INDEX(i, n) {
        STORE(dst, i, SRC_LOAD(src, bcast_index(i, map)));
    }
}

/* Flat index into the full shape of the k-th preimage of element j of the small tensor: dimensions
 * where the small tensor has a real stride take j's coordinate, broadcast dimensions (stride 0)
 * take k's digits, the last dimension varying fastest. So k = 0, 1, ... visits the preimage in
 * row-major order: a fixed order, hence bitwise-reproducible sums. */
inline ulong preimage_index(ulong j, ulong k, __global const long *map) {
    const int rank = (int)map[0];
    ulong idx = 0, stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
        const ulong dim = (ulong)map[1 + d];
        const ulong s = (ulong)map[1 + rank + d];
        ulong coord;
        if (s == 0) {
            coord = k % dim;
            k /= dim;
        } else {
            coord = (j / s) % dim;
        }
        idx += coord * stride;
        stride *= dim;
    }
    return idx;
}

/* out[j] = sum over the m preimages of j of g, for the small_n elements of the small shape. One
 * work-item per output element, summing in preimage order: no atomics, no races. For few preimages
 * per element (m below a work-group) this keeps every lane busy. */
__kernel void sum_to_shape(__global const real_t *g, __global const long *map, const ulong small_n,
                           const ulong m, __global real_t *out) {
    FOR_EACH_INDEX(j, small_n) {
        sum_t s = SUM_ZERO;
        for (ulong k = 0; k < m; ++k) sum_add(&s, LOAD(g, preimage_index(j, k, map)));
        STORE(out, j, sum_get(s));
    }
}

/* The same sums with one work-group per output element, for many preimages per element (a scalar
 * target of a large input): each work-item sums a fixed slice of the preimage (a contiguous run of
 * k on CPUs, a k-stride on GPUs), then the fixed tree of wg_sum combines them. The partition depends
 * only on m and WGS, so results are deterministic. */
__kernel void sum_to_shape_wide(__global const real_t *g, __global const long *map, const ulong small_n,
                                const ulong m, __global real_t *out) {
    __local acc_t scratch[WGS];
    const ulong lid = get_local_id(0);
    const ulong items = get_local_size(0);
    for (ulong j = get_group_id(0); j < small_n; j += get_num_groups(0)) {
        sum_t s = SUM_ZERO;
#if LAYOUT_CHUNKED
        const ulong chunk = (m + items - 1) / items;
        const ulong end = min((lid + 1) * chunk, m);
        for (ulong k = lid * chunk; k < end; ++k) sum_add(&s, LOAD(g, preimage_index(j, k, map)));
#else
        for (ulong k = lid; k < m; k += items) sum_add(&s, LOAD(g, preimage_index(j, k, map)));
#endif
        const acc_t t = wg_sum(sum_get(s), scratch);
        if (lid == 0) STORE(out, j, t);
    }
}
