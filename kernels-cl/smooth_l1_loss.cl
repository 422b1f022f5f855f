/* smooth_l1_loss: z = |x - y|, l = z < beta ? z^2 / (2 beta) : z - beta/2.  P[0] = beta >= 0
 * (beta = 0: the first branch never holds, l = |x - y|, l1_loss).
 * Gradient as PyTorch's backward kernel: d <= -beta ? -1 : d >= beta ? 1 : d / beta with d = x - y,
 * and for the target the same function of y - x (so with beta = 0 both are -1 where x == y).
 * Written with the reciprocal of beta and constant/arithmetic select arms: a division inside a
 * select arm kept POCL from vectorising the skeleton's 16-lane loop (13x slower than huber_loss).
 * With beta = 0 the reciprocal is inf, but only in arms the selects never take. */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t z = fabs(x[0] - x[1]);
    const acc_t inv_beta = (acc_t)1 / P[0];
    return z < P[0] ? (acc_t)0.5 * z * z * inv_beta : z - (acc_t)0.5 * P[0];
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t d = k == 0 ? x[0] - x[1] : x[1] - x[0];
    const acc_t inside = d * ((acc_t)1 / P[0]);
    return d <= -P[0] ? (acc_t)-1 : (d >= P[0] ? (acc_t)1 : inside);
}
