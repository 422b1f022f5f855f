/* smooth_l1_loss: z = |x - y|, l = z < beta ? z^2 / (2 beta) : z - beta/2.  P[0] = beta >= 0
 * (beta = 0: the first branch never holds, l = |x - y|, l1_loss).
 * Gradient as PyTorch's backward kernel: d <= -beta ? -1 : d >= beta ? 1 : d / beta with d = x - y,
 * and for the target the same function of y - x (so with beta = 0 both are -1 where x == y).
 * Written with the reciprocal of beta and constant/arithmetic select arms: a division inside a
 * select arm kept POCL from vectorising the skeleton's 16-lane loop.
 * With beta = 0 the reciprocal is inf, but only in arms the selects never take.
 * A function of d = x - y: see DIFF_LOSS in elementwise.cl. */
#define ARITY 2
#define DIFF_LOSS(T)                                                                      \
    inline T diff_value_##T(T d, acc_t beta) {                                            \
        const T z = fabs(d);                                                              \
        const acc_t inv_beta = (acc_t)1 / beta;                                           \
        return z < beta ? (T)0.5 * z * z * inv_beta : z - (T)0.5 * beta;                  \
    }                                                                                     \
    inline T diff_slope_##T(T d, acc_t beta) {                                            \
        const T inside = d * ((acc_t)1 / beta);                                           \
        return d <= -beta ? (T)-1 : (d >= beta ? (T)1 : inside);                          \
    }                                                                                     \
    inline T diff_target_slope_##T(T d, acc_t beta) { return diff_slope_##T(-d, beta); }
