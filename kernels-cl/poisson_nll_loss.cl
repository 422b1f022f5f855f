/* poisson_nll_loss.  P[0] = log_input (1/0), P[1] = full (1/0), P[2] = eps.
 *   log input:  l = exp(x) - y x;          dl/dx = exp(x) - y;         dl/dy = -x
 *   rate input: l = x - y log(x + eps);    dl/dx = 1 - y / (x + eps);  dl/dy = -log(x + eps)
 * full adds Stirling's y log y - y + 0.5 log(2 pi y) where y > 1 (PyTorch masks y <= 1 to 0; a NaN y
 * is not masked), and to dl/dy: log y + 0.5 / y there. Where masked, PyTorch's autograd still
 * multiplies 0 by log y and by 1/y, giving NaN for y <= 0 and 0 for 0 < y <= 1: reproduced. */
#define ARITY 2
#if USE_FP64
#define POISSON_TWO_PI 6.283185307179586
#else
#define POISSON_TWO_PI 6.2831855f
#endif
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t in = x[0], y = x[1];
    acc_t l = P[0] != 0 ? exp(in) - y * in : in - y * log(in + P[2]);
    if (P[1] != 0 && !(y <= 1)) l += y * log(y) - y + (acc_t)0.5f * log((acc_t)POISSON_TWO_PI * y);
    return l;
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t in = x[0], y = x[1];
    if (k == 0) return P[0] != 0 ? exp(in) - y : 1 - y / (in + P[2]);
    acc_t g = P[0] != 0 ? -in : -log(in + P[2]);
    if (P[1] != 0) g += !(y <= 1) ? log(y) + (acc_t)0.5f / y : (y > 0 ? (acc_t)0 : (acc_t)NAN);
    return g;
}
