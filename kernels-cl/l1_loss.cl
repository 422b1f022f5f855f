/* l1_loss: l = |x - y|; dl/dx = sign(x - y) = -dl/dy (0 where x == y, NaN propagates). */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) { return fabs(x[0] - x[1]); }
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t g = sign(x[0] - x[1]);
    return k == 0 ? g : -g;
}
