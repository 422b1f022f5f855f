/* binary_cross_entropy_cpu.cl: binary_cross_entropy.cl's transcendentals for CPU devices with double
 * arithmetic (the host puts this file, after cpu_math16.cl, before binary_cross_entropy.cl): the 16-lane
 * polynomials of cpu_math16.cl instead of the runtime's vector double exp/log, which cost more than the rest
 * of the kernel. Float (or half) storage: exp_neg16_f and log1p_s16_f, sized to a float result; float64: the
 * double-exact exp16 and log1p_s16.
 *
 * log(1 + e), e = exp(-|x|) in [0, 1], needs no range reduction: with u = 1 + e, log(u) = 2 atanh(s),
 * s = (u - 1) / (u + 1) in [0, 1/3] (u - 1 is exact). The two divisions (1 / u for the gradient and s) are
 * independent, which keeps the latency-bound loop's dependency chains short.
 *
 * The probability path (float storage): log16_f, and log1p(-x) as the log of 1 - x, which is exact for
 * x >= 2^-30 (x has at most 24 significant bits), or as -x (1 + x/2) below that (the next term, x^3/3, is
 * below 2^-60 of the result). */
#if DTYPE_F64
#define EXP_NEG(a) exp16(a)
#define LOG1P_S(s) log1p_s16(s)
#define LOG(v) log(v)
#define LOG1P_NEG(x) log1p(-(x))
#else
#define EXP_NEG(a) exp_neg16_f(a)
#define LOG1P_S(s) log1p_s16_f(s)
#define LOG(v) log16_f(v)
#define LOG1P_NEG(x) ((x) < 0x1p-30 ? -(x) * (1 + 0.5 * (x)) : log16_f(1 - (x)))
#endif
#define LOG_1PE(u) LOG1P_S(((u) - 1) / ((u) + 1))
#define LOG1P_UNIT(e) LOG1P_S((e) / (2 + (e)))
