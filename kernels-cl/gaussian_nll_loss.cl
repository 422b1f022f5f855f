/* gaussian_nll_loss: x = {input, target, var}; P[0] = full (1/0), P[1] = eps.
 * v = max(var, eps) (a compare: NaN stays NaN, unlike fmax), d = x - y,
 * l = 0.5 (log v + d^2 / v) (+ 0.5 log(2 pi) with full).
 * PyTorch clamps var outside autograd, so every derivative is taken at the clamped v and still
 * reaches var: dl/dx = d / v = -dl/dy, dl/dvar = 0.5 (1/v - d^2 / v^2). */
#define ARITY 3
#if USE_FP64
#define GAUSS_HALF_LOG_2PI 0.9189385332046727
#else
#define GAUSS_HALF_LOG_2PI 0.9189385f
#endif
inline acc_t gauss_var(const acc_t *x, const acc_t *P) { return x[2] < P[1] ? P[1] : x[2]; }
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t v = gauss_var(x, P);
    const acc_t d = x[0] - x[1];
    const acc_t l = (acc_t)0.5f * (log(v) + d * d / v);
    return P[0] != 0 ? l + (acc_t)GAUSS_HALF_LOG_2PI : l;
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t v = gauss_var(x, P);
    const acc_t d = x[0] - x[1];
    return k == 0 ? d / v : (k == 1 ? -d / v : (acc_t)0.5f * (1 / v - d * d / (v * v)));
}
