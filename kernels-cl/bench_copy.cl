/* bench_copy.cl: the device's own bandwidth for `losscl bench` -- a plain copy b = a over n floats.
 * Same partition as the loss kernels (FOR_EACH_INDEX: chunks on CPU, grid-stride on GPU); on the
 * chunked layout whole 16-float blocks go through vload16/vstore16, which is what lets POCL stream. */
__kernel void bench_copy(__global const float *a, __global float *b, const ulong n) {
#if LAYOUT_CHUNKED
    const ulong items = get_global_size(0);
    const ulong chunk = ((n + items - 1) / items + 15) & ~(ulong)15;
    const ulong begin = min((ulong)get_global_id(0) * chunk, n);
    const ulong end = min(begin + chunk, n);
    ulong i = begin;
    for (; i + 16 <= end; i += 16) vstore16(vload16(0, a + i), 0, b + i);
    for (; i < end; ++i) b[i] = a[i];
#else
    for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) b[i] = a[i];
#endif
}

/* The floor of a small call (`losscl bench --suite small`): a launch that does nothing but exist. */
__kernel void bench_empty(__global float *unused) {}
