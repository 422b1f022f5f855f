/* triplet_margin_loss and triplet_margin_with_distance_loss, one row per (work-group | work-item),
 * see rows.cl.  l = max(0, margin + d(a, p) - d'),  d' = SWAP ? min(d(a, n), d(p, n)) : d(a, n).
 *
 * Build options:
 *   COSINE 0: d(x1, x2) = ||x1 - x2 + eps||_p with PMODE 1 (p = 1), 2 (p = 2), 3 (any other finite p,
 *             via pow), 4 (p = inf: the max norm), 0 (p = 0: the count of non-zeros, zero gradient).
 *   COSINE 1: d = 1 - x1.x2 / (max(|x1|, 1e-8) max(|x2|, 1e-8)).
 *   SWAP, GRAD_MASK (bits: anchor, positive, negative).
 * Pass 1 reduces the row's sums (p-norm: sum |v|^p per pair, or the max; cosine: three dot products
 * and three squared norms) in one tree; the loss follows; pass 2 re-reads the row (still in cache)
 * and writes all three gradients (also for rows whose loss is clamped to 0: like PyTorch, the zero
 * upstream gradient times a NaN local derivative is NaN). PyTorch's autograd rules: clamp_min passes the gradient where its
 * argument is >= 0, min splits it in half on a tie, ||v||_p has zero gradient where the norm is 0.
 * Both passes run on rowv_t blocks (rows.cl's ROW_FOR_V: 16 lanes on a CPU, where POCL streams only
 * vector loads; one on a GPU); every element is computed in acc_t as a scalar loop would, only the
 * order of the row sums' additions differs. */
#ifndef PMODE
#define PMODE 2
#endif
#define NPAIRS (SWAP ? 3 : 2)
#define COS_EPS 1e-8

/* |v|^p summand of the p-norm */
inline rowv_t pn_term(rowv_t v, acc_t p) {
#if PMODE == 1
    return fabs(v);
#elif PMODE == 2
    return v * v;
#elif PMODE == 0
    return v != 0 ? (rowv_t)1 : (rowv_t)0;
#else
    return pow(fabs(v), (rowv_t)p);
#endif
}

/* the norm from the summed terms (or the max for p = inf) */
inline acc_t pn_norm(acc_t s, acc_t p) {
#if PMODE == 1 || PMODE == 0 || PMODE == 4
    return s;
#elif PMODE == 2
    return sqrt(s);
#else
    return pow(s, 1 / p);
#endif
}

/* v / b, correctly rounded, for a row's divisor b from the row's reciprocal inv = 1 / b: q0 = v inv is
 * within 1 ulp of v / b, r = v - q0 b is exact (one fma), and q0 + r inv rounds to the correctly rounded
 * quotient (Markstein's theorem). Two fmas and a product per lane instead of a 16-lane double division,
 * an instruction of low throughput. Being the correctly rounded quotient, it
 * keeps PyTorch's exact results, e.g. v / |v| = +-1 on rows of one element (a plain product by the
 * reciprocal left 1e-16 there: ConformanceTest trip-size-1x1). Needs inv and r normal: row_div_ok(b)
 * takes b in [2^-500, 2^500] (r can then be subnormal only where |v| < 2^-900); other rows, and devices
 * without fp64 (whose float range leaves no such margin), divide. */
inline bool row_div_ok(acc_t b) {
#if USE_FP64
    return b >= 0x1p-500 && b <= 0x1p500;
#else
    return false;
#endif
}
inline rowv_t row_div(rowv_t v, acc_t b, acc_t inv) {
    const rowv_t q0 = v * inv;
    return fma(fma(-q0, (rowv_t)b, v), (rowv_t)inv, q0);
}

/* A row's divisor b with what row_div needs, computed once per row. */
typedef struct { acc_t b, inv; bool ok; } rdiv_t;
inline rdiv_t rdiv_of(acc_t b) { return (rdiv_t){b, 1 / b, row_div_ok(b)}; }
/* v / b, bit for bit. */
inline rowv_t rdiv(rowv_t v, rdiv_t d) { return d.ok ? row_div(v, d.b, d.inv) : v / d.b; }

/* d ||v||_p / d v_i, given the norm (and, for p = inf, the number of maximal elements) */
inline rowv_t pn_grad(rowv_t v, rdiv_t norm, acc_t p, acc_t nmax) {
#if PMODE == 1
    /* Selects between acc_t constants, not ints: the int-typed form (converted on return) came out
     * with the wrong sign under oclgrind's simulator; this form is right on every device tried. */
    return v > 0 ? (rowv_t)1 : (v < 0 ? (rowv_t)-1 : (rowv_t)0);
#elif PMODE == 2
    return norm.b == 0 ? (rowv_t)0 : rdiv(v, norm);
#elif PMODE == 0
    return (rowv_t)0;
#elif PMODE == 4
    const rowv_t sg = v > 0 ? (rowv_t)1 : (v < 0 ? (rowv_t)-1 : (rowv_t)0);
    return (fabs(v) == norm.b || isnan(v)) ? sg / nmax : (rowv_t)0;
#else
    return norm.b == 0 ? (rowv_t)0 : v * pow(fabs(v), (rowv_t)(p - 2)) / pow(norm.b, p - 1);
#endif
}

/* The running max of |v| (NaN-propagating) over the real lanes (padding lanes count as 0). */
inline rowv_t abs_max(rowv_t m, rowv_t v, ulong j, ulong e) {
    const rowv_t a = row_mask(fabs(v), j, e);
    return (isnan(m) || m >= a) ? m : a;
}

__kernel void triplet_loss(__global const real_t *A, __global const real_t *Pp, __global const real_t *Nn,
                           const ulong rows, const ulong D, const acc_t margin, const acc_t p,
                           const acc_t eps, const acc_t grad_scale, __global real_t *out,
                           __global acc_t *partials, __global real_t *ga, __global real_t *gp,
                           __global real_t *gn SUM_ARGS) {
    __local acc_t scratch[ROW_SCRATCH];
    sum_t total = SUM_ZERO;
    ROW_BEGIN(r, rows)
        const ulong base = r * D, e = rowv_end(D);
        __global const real_t *ra = A + base, *rp = Pp + base, *rn = Nn + base;
#if COSINE
        /* s: a.p, a.n, p.n, a.a, p.p, n.n */
        rowv_t sv[6] = {0, 0, 0, 0, 0, 0};
        ROW_FOR_V(i, D) {
            const rowv_t a = row_load(ra, i, e), q = row_load(rp, i, e), n = row_load(rn, i, e);
            sv[0] += a * q; sv[1] += a * n; sv[2] += q * n;
            sv[3] += a * a; sv[4] += q * q; sv[5] += n * n;
        }
        acc_t s[6];
        for (int k = 0; k < 6; ++k) s[k] = row_hsum(sv[k]);
        row_sums(s, 6, scratch);
        const acc_t na = sqrt(s[3]), nq = sqrt(s[4]), nn = sqrt(s[5]);
        const acc_t ca = fmax(na, (acc_t)COS_EPS), cq = fmax(nq, (acc_t)COS_EPS), cn = fmax(nn, (acc_t)COS_EPS);
        const acc_t cos_ap = s[0] / (ca * cq), cos_an = s[1] / (ca * cn), cos_pn = s[2] / (cq * cn);
        const acc_t d_ap = 1 - cos_ap, d_an = 1 - cos_an, d_pn = 1 - cos_pn;
#else
        rowv_t sv[3] = {0, 0, 0};
        ROW_FOR_V(i, D) {
            const rowv_t a = row_load(ra, i, e), q = row_load(rp, i, e), n = row_load(rn, i, e);
            const rowv_t v0 = a - q + eps, v1 = a - n + eps;
#if PMODE == 4
            /* max norm: the running max (NaN-propagating) of |v| */
            sv[0] = abs_max(sv[0], v0, i, e);
            sv[1] = abs_max(sv[1], v1, i, e);
#if SWAP
            sv[2] = abs_max(sv[2], q - n + eps, i, e);
#endif
#else
            /* padding lanes hold a = q = n = 0, whose term |eps|^p is not 0: masked */
            sv[0] += row_mask(pn_term(v0, p), i, e);
            sv[1] += row_mask(pn_term(v1, p), i, e);
#if SWAP
            sv[2] += row_mask(pn_term(q - n + eps, p), i, e);
#endif
#endif
        }
#if PMODE == 4
        acc_t s[3] = {row_hmax(sv[0]), row_hmax(sv[1]), row_hmax(sv[2])};
        s[0] = row_max(s[0], scratch); s[1] = row_max(s[1], scratch); s[2] = row_max(s[2], scratch);
#else
        acc_t s[3] = {row_hsum(sv[0]), row_hsum(sv[1]), row_hsum(sv[2])};
        row_sums(s, NPAIRS, scratch);
#endif
        const acc_t d_ap = pn_norm(s[0], p), d_an = pn_norm(s[1], p), d_pn = pn_norm(s[2], p);
#endif
#if SWAP
        const acc_t dneg = (isnan(d_an) || isnan(d_pn)) ? NAN : fmin(d_an, d_pn);
        const acc_t w_an = d_an < d_pn ? (acc_t)1 : (d_an > d_pn ? (acc_t)0 : (acc_t)0.5);
#else
        const acc_t dneg = d_an;
        const acc_t w_an = 1;
#endif
        const acc_t w_pn = 1 - w_an;
        const acc_t z = margin + d_ap - dneg;
        row_emit(r, isnan(z) ? z : fmax(z, (acc_t)0), out, &total);
#if GRAD_MASK
        const acc_t up = z >= 0 ? grad_scale : 0;
#if !COSINE && PMODE == 4
        /* p = inf spreads the gradient over the maximal elements: count them */
        rowv_t mv[3] = {0, 0, 0};
        ROW_FOR_V(i, D) {
            const rowv_t a = row_load(ra, i, e), q = row_load(rp, i, e), n = row_load(rn, i, e);
            const rowv_t v0 = a - q + eps, v1 = a - n + eps, v2 = q - n + eps;
            mv[0] += row_mask((fabs(v0) == d_ap || isnan(v0)) ? (rowv_t)1 : (rowv_t)0, i, e);
            mv[1] += row_mask((fabs(v1) == d_an || isnan(v1)) ? (rowv_t)1 : (rowv_t)0, i, e);
            mv[2] += row_mask((fabs(v2) == d_pn || isnan(v2)) ? (rowv_t)1 : (rowv_t)0, i, e);
        }
        acc_t m[3] = {row_hsum(mv[0]), row_hsum(mv[1]), row_hsum(mv[2])};
        row_sums(m, 3, scratch);
#else
        const acc_t m[3] = {1, 1, 1};
#endif
#if COSINE
        const rdiv_t da = rdiv_of(ca), dq = rdiv_of(cq), dn = rdiv_of(cn);
#else
        const rdiv_t r_ap = rdiv_of(d_ap), r_an = rdiv_of(d_an), r_pn = rdiv_of(d_pn);
#endif
        ROW_FOR_V(i, D) {
            const rowv_t a = row_load(ra, i, e), q = row_load(rp, i, e), n = row_load(rn, i, e);
            rowv_t gap_a, gap_q, gan_a, gan_n, gpn_q = 0, gpn_n = 0;
#if COSINE
            /* cos = sum (x1/c1)(x2/c2): d(1 - cos)/d x1 = -(x2/c2 - cos x1/c1) / c1, also where |x1| is
             * clamped to 1e-8 (PyTorch 1.13 clamps the norm in place, unrecorded: d c1/d x1 = x1/c1);
             * written with the normalised vectors as autograd evaluates it (so parallel vectors give an exact 0) */
            const rowv_t ha = rdiv(a, da), hq = rdiv(q, dq), hn = rdiv(n, dn);
            gap_a = -rdiv(hq - cos_ap * ha, da);
            gap_q = -rdiv(ha - cos_ap * hq, dq);
            gan_a = -rdiv(hn - cos_an * ha, da);
            gan_n = -rdiv(ha - cos_an * hn, dn);
#if SWAP
            gpn_q = -rdiv(hn - cos_pn * hq, dq);
            gpn_n = -rdiv(hq - cos_pn * hn, dn);
#endif
#else
            gap_a = pn_grad(a - q + eps, r_ap, p, m[0]);
            gap_q = -gap_a;
            gan_a = pn_grad(a - n + eps, r_an, p, m[1]);
            gan_n = -gan_a;
#if SWAP
            gpn_q = pn_grad(q - n + eps, r_pn, p, m[2]);
            gpn_n = -gpn_q;
#endif
#endif
#if GRAD_MASK & 1
            row_store(ga + base, i, e, up * (gap_a - w_an * gan_a));
#endif
#if GRAD_MASK & 2
            row_store(gp + base, i, e, up * (gap_q - w_pn * gpn_q));
#endif
#if GRAD_MASK & 4
            row_store(gn + base, i, e, up * (-w_an * gan_n - w_pn * gpn_n));
#endif
        }
#endif
    ROW_END
    row_finish(partials, total, scratch);
}
