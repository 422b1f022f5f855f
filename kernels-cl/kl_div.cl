/* kl_div (input x = log-probabilities, target t), pointwise:
 *   probability target (P[0] == 0): l = xlogy(t, t) - t x, with xlogy(0, .) = 0 (PyTorch's convention,
 *                                     so a zero target adds nothing even where x = -inf... except t x = 0 * -inf = NaN, as PyTorch)
 *                                     dl/dx = -t,  dl/dt = log t + t / t - x  (NaN at t = 0, as PyTorch's xlogy backward)
 *   log target (P[0] != 0):           l = exp(t) (t - x), dl/dx = -exp(t), dl/dt = exp(t) (t - x + 1) */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t in = x[0], t = x[1];
    if (P[0] != 0) return exp(t) * (t - in);
    const acc_t xlogy = (t == 0) ? (acc_t)0 : t * log(t);
    return xlogy - t * in;
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t in = x[0], t = x[1];
    if (P[0] != 0) return k == 0 ? -exp(t) : exp(t) * (t - in + 1);
    return k == 0 ? -t : log(t) + t / t - in;
}
