/* margin_ranking_loss: l = max(0, u), u = -y (x1 - x2) + margin.  x = {x1, x2, y}; P[0] = margin.
 * With a = [u >= 0] (ties pass the gradient, NaN does not, as PyTorch's clamp_min):
 * dl/dx1 = a (-y), dl/dx2 = -(a (-y)), dl/dy = -(a (x1 - x2)): products in autograd's order, so
 * 0 * inf gives NaN exactly where PyTorch does. The clamp is a compare so NaN propagates. */
#define ARITY 3
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t u = -x[2] * (x[0] - x[1]) + P[0];
    return u < 0 ? (acc_t)0 : u;
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t a = (-x[2] * (x[0] - x[1]) + P[0]) >= 0 ? (acc_t)1 : (acc_t)0;
    return k == 0 ? a * -x[2] : (k == 1 ? -(a * -x[2]) : -(a * (x[0] - x[1])));
}
