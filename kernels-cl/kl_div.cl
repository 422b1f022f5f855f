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

/* The same formulas on 16-wide vectors for the skeleton's CPU loop (vector log/exp). */
#define ELEM_VEC16 1
inline void elem_vec16(acc16_t x, acc16_t t, acc16_t unused, const acc_t *P, acc16_t *l, acc16_t *dx,
                       acc16_t *dt, acc16_t *d2) {
    if (P[0] != 0) {
        const acc16_t et = exp(t);
        *l = et * (t - x);
        *dx = -et;
        *dt = et * (t - x + 1);
    } else {
        const acc16_t lt = log(t);
        *l = select(t * lt, (acc16_t)0, t == 0) - t * x; /* xlogy(0, .) = 0; NaN stays NaN */
        *dx = -t;
        *dt = lt + t / t - x;
    }
    *d2 = 0;
}
