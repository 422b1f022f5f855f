/* l1_loss: l = |x - y|; dl/dx = sign(x - y) = -dl/dy (0 where x == y, and 0 where x - y is NaN, as PyTorch).
 * sign() written as a select chain with constant arms rather than the builtin: the builtin is an
 * out-of-line library call on POCL, and so was it in effect for (d > 0) - (d < 0) or an arm returning d:
 * each stopped the skeleton's 16-lane loop from vectorising (fwd+bwd 2-30x slower than mse_loss). This
 * form runs as fast as mse_loss. Values: +-1 off zero, 0 at zero and 0 for NaN, as PyTorch's gradient. */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) { return fabs(x[0] - x[1]); }
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t d = x[0] - x[1];
    const acc_t g = d > 0 ? (acc_t)1 : d < 0 ? (acc_t)-1 : (acc_t)0;
    return k == 0 ? g : -g;
}
