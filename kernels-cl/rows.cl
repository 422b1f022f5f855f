/* rows.cl: the machinery of row-wise losses (multi_margin, multilabel_margin, multilabel_soft_margin,
 * triplet): one loss per row of the last dimension, several sums per row, the gradient of the row
 * written in the same launch once the row's sums are known.
 *
 * Build options (host: RowKernels):
 *   ROW_PER_ITEM 1: one work-item owns a row (narrow rows; on a CPU device each item then streams its
 *                   rows contiguously, no barriers at all). 0: one work-group per row, the row split
 *                   among its work-items (contiguous slices on CPU, interleaved on GPU for coalescing)
 *                   and the row's sums combined by a fixed tree (wide rows).
 *   REDUCE       1: row losses are summed into one partial per work-group, which the last work-group
 *                sums into out[0] (common.cl: FINISH_SUM).
 * Both modes are deterministic: the partition depends only on the sizes and the launch. */
#ifndef ROW_PER_ITEM
#define ROW_PER_ITEM 0
#endif
#ifndef REDUCE
#define REDUCE 0
#endif
/* Most sums reduced together in one tree (cosine triplet with swap needs 6). */
#define ROW_MAX_SUMS 6

#if ROW_PER_ITEM
#if LAYOUT_CHUNKED
/* Contiguous run of rows per work-item. */
#define ROW_BEGIN(r, rows)                                                              \
    {                                                                                   \
        const ulong _rows = (ulong)(rows), _items = get_global_size(0);                 \
        const ulong _rchunk = (_rows + _items - 1) / _items;                            \
        const ulong _rb = min((ulong)get_global_id(0) * _rchunk, _rows);                \
        const ulong _re = min(_rb + _rchunk, _rows);                                    \
        for (ulong r = _rb; r < _re; ++r) {
#else
#define ROW_BEGIN(r, rows) \
    {                      \
        for (ulong r = get_global_id(0); r < (ulong)(rows); r += get_global_size(0)) {
#endif
#define ROW_END } }
#define ROW_LEADER 1
inline ulong row_first(ulong d) { return 0; }
inline ulong row_end(ulong d) { return d; }
#define ROW_STEP 1
#define ROW_SYNC()
#else
/* Whole work-group per row; every work-item runs the same rows, so barriers inside are uniform. */
#define ROW_BEGIN(r, rows) \
    {                      \
        for (ulong r = get_group_id(0); r < (ulong)(rows); r += get_num_groups(0)) {
#define ROW_END } }
#define ROW_LEADER (get_local_id(0) == 0)
#if LAYOUT_CHUNKED
inline ulong row_chunk(ulong d) { return (d + WGS - 1) / WGS; }
inline ulong row_first(ulong d) { return min((ulong)get_local_id(0) * row_chunk(d), d); }
inline ulong row_end(ulong d) { return min(row_first(d) + row_chunk(d), d); }
#define ROW_STEP 1
#else
inline ulong row_first(ulong d) { return get_local_id(0); }
inline ulong row_end(ulong d) { return d; }
#define ROW_STEP WGS
#endif
/* Makes this work-group's global writes of the row visible to all its work-items. */
#define ROW_SYNC() barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE)
#endif

/* The elements of a row of width d that this work-item handles. */
#define ROW_FOR(j, d) for (ulong j = row_first(d); j < row_end(d); j += ROW_STEP)

/* Vector row loops, for the streaming row kernels (cosine_embedding, triplet): the same row code runs on
 * rowv_t, 16 acc_t lanes on the chunked (CPU) layout and one acc_t on GPUs. POCL streams memory only
 * when a work-item moves whole 16-element blocks with vload16 (it does not vectorise a scalar row loop);
 * a GPU wants neighbouring work-items on neighbouring elements instead.
 *   ROW_FOR_V(j, d)        the blocks of the row this work-item handles; block j holds elements
 *                          [j, j + ROW_VW) of which those before e = rowv_end(d) are real
 *   row_load(p, j, e)      block j of row p (lanes at e and beyond read as 0)
 *   row_store(p, j, e, v)  writes the real lanes of block j
 *   row_mask(v, j, e)      v with the lanes at e and beyond set to 0 (for terms that are not 0 at 0)
 *   row_hsum / row_hmax    the lanes' sum (fixed tree: deterministic) / NaN-propagating max
 * In work-group-per-row mode on a CPU each work-item's slice is a multiple of 16 elements, so only the
 * row's last block is partial. */
#if LAYOUT_CHUNKED
#define ROW_VW 16
typedef acc16_t rowv_t;
#if USE_FP64
typedef long16 rowlane_t; /* the mask type of a rowv_t comparison */
typedef double8 acc8_t;
typedef double4 acc4_t;
typedef double2 acc2_t;
#else
typedef int16 rowlane_t;
typedef float8 acc8_t;
typedef float4 acc4_t;
typedef float2 acc2_t;
#endif
#define ROW_VSTEP 16
#if ROW_PER_ITEM
inline ulong rowv_first(ulong d) { return 0; }
inline ulong rowv_end(ulong d) { return d; }
#else
inline ulong rowv_chunk(ulong d) { return ((d + WGS - 1) / WGS + 15) & ~(ulong)15; }
inline ulong rowv_first(ulong d) { return min((ulong)get_local_id(0) * rowv_chunk(d), d); }
inline ulong rowv_end(ulong d) { return min(rowv_first(d) + rowv_chunk(d), d); }
#endif
#else
#define ROW_VW 1
typedef acc_t rowv_t;
#define ROW_VSTEP ROW_STEP
inline ulong rowv_first(ulong d) { return row_first(d); }
inline ulong rowv_end(ulong d) { return row_end(d); }
#endif

#define ROW_FOR_V(j, d) for (ulong j = rowv_first(d); j < rowv_end(d); j += ROW_VSTEP)

#if ROW_VW == 16
/* The partial last block of a row. */
inline rowv_t row_tail_load(__global const real_t *p, ulong j, ulong e) {
    acc_t t[16];
    for (uint k = 0; k < 16; ++k) t[k] = j + k < e ? LOAD(p, j + k) : (acc_t)0;
    return vload16(0, t);
}
#endif

inline rowv_t row_load(__global const real_t *p, ulong j, ulong e) {
#if ROW_VW == 16
    if (j + 16 <= e) return VLOAD16(p, j);
    return row_tail_load(p, j, e);
#else
    return LOAD(p, j);
#endif
}

inline void row_store(__global real_t *p, ulong j, ulong e, rowv_t v) {
#if ROW_VW == 16
    if (j + 16 <= e) {
        VSTORE16(p, j, v);
        return;
    }
    acc_t t[16];
    vstore16(v, 0, t);
    for (uint k = 0; j + k < e; ++k) STORE(p, j + k, t[k]);
#else
    STORE(p, j, v);
#endif
}

inline rowv_t row_mask(rowv_t v, ulong j, ulong e) {
#if ROW_VW == 16
    if (j + 16 <= e) return v;
    const rowlane_t lane = (rowlane_t)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    return select(v, (rowv_t)0, lane >= (rowlane_t)(e - j));
#else
    return v;
#endif
}

inline acc_t row_hsum(rowv_t v) {
#if ROW_VW == 16
    const acc8_t h8 = v.lo + v.hi;
    const acc4_t h4 = h8.lo + h8.hi;
    const acc2_t h2 = h4.lo + h4.hi;
    return h2.x + h2.y;
#else
    return v;
#endif
}

inline acc_t row_hmax(rowv_t v) {
#if ROW_VW == 16
    acc_t t[16];
    vstore16(v, 0, t);
    acc_t m = t[0];
    for (uint k = 1; k < 16; ++k) m = (isnan(m) || m >= t[k]) ? m : t[k];
    return m;
#else
    return v;
#endif
}

/* Local scratch every row kernel declares once: __local acc_t scratch[ROW_SCRATCH]. */
#define ROW_SCRATCH (ROW_MAX_SUMS * WGS)

/* Sums v[0..k) over the row's work-items by one fixed tree (k sums share the barriers); every
 * work-item gets the totals. With one work-item per row there is nothing to combine. */
inline void row_sums(acc_t *v, const int k, __local acc_t *scratch) {
#if !ROW_PER_ITEM
    const uint lid = get_local_id(0);
    for (int c = 0; c < k; ++c) scratch[c * WGS + lid] = v[c];
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = WGS >> 1; s > 0; s >>= 1) {
        if (lid < s) {
            for (int c = 0; c < k; ++c) scratch[c * WGS + lid] += scratch[c * WGS + lid + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int c = 0; c < k; ++c) v[c] = scratch[c * WGS];
    barrier(CLK_LOCAL_MEM_FENCE);
#endif
}

/* One sum over the row. */
inline acc_t row_sum(acc_t v, __local acc_t *scratch) {
    row_sums(&v, 1, scratch);
    return v;
}

/* Maximum over the row (NaN-propagating). */
inline acc_t row_max(acc_t v, __local acc_t *scratch) {
#if ROW_PER_ITEM
    return v;
#else
    return wg_max(v, scratch);
#endif
}

/* Minimum over the row (for indices held exactly in acc_t). */
inline acc_t row_min(acc_t v, __local acc_t *scratch) {
#if ROW_PER_ITEM
    return v;
#else
    return -wg_max(-v, scratch);
#endif
}

/* Hands the row's loss on: stored per row (reduction none) or added to this work-item's total. */
inline void row_emit(ulong r, acc_t l, __global real_t *out, sum_t *total) {
    if (ROW_LEADER) {
#if REDUCE
        sum_add(total, l);
#else
        STORE(out, r, l);
#endif
    }
}

/* End of a row kernel: (REDUCE) the single-pass sum of the row losses into out[0]. A macro: FINISH_SUM reads
 * the kernel's own out, out_scale and done_count parameters (SUM_ARGS). */
#if REDUCE
#define row_finish(partials, total, scratch) FINISH_SUM(wg_sum(sum_get(total), scratch), scratch)
#else
#define row_finish(partials, total, scratch) ((void)0)
#endif
