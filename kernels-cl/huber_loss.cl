/* huber_loss: z = |x - y|, l = z < delta ? z^2/2 : delta (z - delta/2).  P[0] = delta > 0.
 * dl/dx = clamp(x - y, -delta, delta); dl/dy is the same function of y - x (PyTorch's backward,
 * which differs from -dl/dx only in how NaN and ties are signed). */
#define ARITY 2
inline acc_t huber_slope(acc_t d, acc_t delta) { return d <= -delta ? -delta : (d >= delta ? delta : d); }
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t z = fabs(x[0] - x[1]);
    return z < P[0] ? (acc_t)0.5f * z * z : P[0] * (z - (acc_t)0.5f * P[0]);
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    return huber_slope(k == 0 ? x[0] - x[1] : x[1] - x[0], P[0]);
}
