/* mse_loss: l = (x - y)^2; dl/dx = 2 (x - y) = -dl/dy. */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t d = x[0] - x[1];
    return d * d;
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t g = 2 * (x[0] - x[1]);
    return k == 0 ? g : -g;
}
