/* smooth_l1_loss: z = |x - y|, l = z < beta ? z^2 / (2 beta) : z - beta/2.  P[0] = beta >= 0
 * (beta = 0: the first branch never holds, l = |x - y|, l1_loss).
 * Gradient as PyTorch's backward kernel: d <= -beta ? -1 : d >= beta ? 1 : d / beta with d = x - y,
 * and for the target the same function of y - x (so with beta = 0 both are -1 where x == y). */
#define ARITY 2
inline acc_t smooth_l1_slope(acc_t d, acc_t beta) { return d <= -beta ? (acc_t)-1 : (d >= beta ? (acc_t)1 : d / beta); }
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t z = fabs(x[0] - x[1]);
    return z < P[0] ? (acc_t)0.5f * z * z / P[0] : z - (acc_t)0.5f * P[0];
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    return smooth_l1_slope(k == 0 ? x[0] - x[1] : x[1] - x[0], P[0]);
}
