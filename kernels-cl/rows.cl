/* rows.cl: the machinery of row-wise losses (multi_margin, multilabel_margin, multilabel_soft_margin,
 * triplet): one loss per row of the last dimension, several sums per row, the gradient of the row
 * written in the same launch once the row's sums are known.
 *
 * Build options (host: RowKernels):
 *   ROW_PER_ITEM 1: one work-item owns a row (narrow rows; on a CPU device each item then streams its
 *                   rows contiguously, no barriers at all). 0: one work-group per row, the row split
 *                   among its work-items (contiguous slices on CPU, interleaved on GPU for coalescing)
 *                   and the row's sums combined by a fixed tree (wide rows).
 *   REDUCE       1: row losses are summed into one partial per work-group for reduce_partials.
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

/* Flags a value the host could not check before the launch (a device-resident class index out of
 * range): the host reads the flag after the launch and raises the error. err is NULL when the host
 * already checked every value. Several work-items may write it; they all write the same value. */
inline void row_flag(__global int *err) {
    if (err) err[0] = 1;
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

/* End of a row kernel: this work-group's partial sum of row losses for reduce_partials. */
inline void row_finish(__global acc_t *partials, sum_t total, __local acc_t *scratch) {
#if REDUCE
    store_partial(partials, 1, 0, wg_sum(sum_get(total), scratch));
#endif
}
