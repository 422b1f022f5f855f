/* cpu_math16.cl: hand-vectorised double transcendentals for CPU devices (the host prepends this file only
 * to programs built for the chunked layout with double arithmetic: binary_cross_entropy_cpu.cl and
 * cross_entropy_rows_cpu.cl use it). A CPU work-item's 16-lane loop runs these as straight-line vector code,
 * where the runtime's vector double exp/log are correct to a double ulp and cost more; results stored as
 * float need far less. No GPU program contains them: GPUs compute in float with the builtins.
 */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

/* exp on 8 or 16 acc_t lanes, for the streaming loops of transcendental-bound kernels on CPU devices. With fp64, POCL's vector
 * double exp (SLEEF, correct to 1 double ulp) costs more than this one, and float results need far less: after
 * Cody-Waite reduction d = k ln2 + r (ln2_hi has trailing zeros, so k ln2_hi and d - k ln2_hi are exact),
 * |r| <= ln2/2, Taylor to degree 11 leaves a relative error below 2^-46, so a float result rounds as from
 * the exact value except within 2^-22 ulp of a tie. 2^k is added to the exponent bits. Written without
 * fma(): POCL lowers fma on double16 to a slow out-of-line path. d < -708 gives
 * 0 (the exact value is below 2^-1021, nothing in float), d > 709.78 gives +inf, NaN stays NaN. */
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

/* Cheaper versions for results stored as float (or half), where the polynomials above would be most of a
 * transcendental-bound kernel's time. A float result must stay within one float ulp
 * of the exact answer even where the caller subtracts nearly equal values (sigmoid(x) - y in a gradient), so the
 * exp is kept relatively accurate far below a float ulp, not just to 2^-24: a relative error eps in e moves
 * sigmoid(x) - y by ~eps sigmoid(x), over a float ulp of the answer once sigmoid(x) / |sigmoid(x) - y| passes
 * 2^-24 / eps. At 2^-39.8 that takes a cancellation beyond 2^15, where PyTorch's own float32 error (rounding
 * sigmoid to float) is thousands of ulps; a float-accurate exp (2^-28) would lose to PyTorch on an estimated
 * ~0.1% of random elements (estimated), hence the degree-8 polynomial.
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
    /* Even and odd coefficients by Horner in r^2: two half-length dependency chains (one extra multiply),
     * as the loop is bound by latency more than by throughput. */
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
 * log1p_s16's 15 terms. (The tail stays in double: double <-> float conversions would cost more than narrower lanes save.) */
inline double16 log1p_s16_f(double16 s) {
    return two_atanh16(s, 0.11612164612011674, 0.10853287900440187, 0.14296178997151418, 0.1999985316596486,
                       0.3333333366026371);
}

/* log(x) for float results, on 8 or 16 double lanes (log8_f, log16_f): POCL's vector double log cost more than
 * the rest of binary_cross_entropy together. x = 2^k m with m in [sqrt(1/2), sqrt(2)) straight from the bits (x - sqrt(1/2)'s
 * bits, shifted: k; the rest: m's bits), then log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716 (m - 1 is
 * exact), = 2s + 2s z Q(z) with z = s^2 <= 0.0295 and Q a degree-4 minimax on [0, 0.0295] (relative error
 * 2^-36.4 on a tail below 1% of log m: 2^-43 of the result). Lanes outside (0, inf) (rare: clamped or checked
 * inputs) take the builtin's answer (log 0 = -inf, log inf = inf, NaN for negatives and NaN). Subnormal doubles
 * (below 2^-1022) would be misread; float, half and bfloat16 values and their ratios never are one. */
#define DEFINE_LOG_F(N)                                                                          \
inline double##N log##N##_f(double##N x) {                                                       \
    const long##N half_sqrt2 = (long##N)0x3fe6a09e667f3bcdL;           /* bits of sqrt(1/2) */   \
    const long##N k = (as_long##N(x) - half_sqrt2) >> 52;                                        \
    const double##N m = as_double##N(as_long##N(x) - (k << 52));                                 \
    const double##N s = (m - 1) / (m + 1);                                                       \
    const double##N z = s * s;                                                                   \
    double##N q = (double##N)0.09681593466080882;                                                \
    q = q * z + (double##N)0.11095686690472316;                                                  \
    q = q * z + (double##N)0.14285877484175175;                                                  \
    q = q * z + (double##N)0.19999999397609577;                                                  \
    q = q * z + (double##N)0.33333333333688325;                                                  \
    const double##N s2 = 2 * s;                                                                  \
    double##N r = convert_double##N(k) * (double##N)0.6931471805599453 + (s2 * z * q + s2);      \
    if (any(!(x > 0 && x < (double##N)INFINITY))) r = select(r, log(x), !(x > 0 && x < (double##N)INFINITY)); \
    return r;                                                                                    \
}
DEFINE_LOG_F(8)
DEFINE_LOG_F(16)
