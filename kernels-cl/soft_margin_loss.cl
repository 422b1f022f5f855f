/* soft_margin_loss: l = log(1 + exp(-y x)), evaluated as PyTorch does (log of 1 + e, not log1p: for
 * y x > ~37 in double the result is exactly 0, matching PyTorch).  dl/dx = -y e / (1 + e), e = exp(-y x): PyTorch's own
 * formula rather than the stabler -y sigmoid(-y x), so overflow gives PyTorch's inf / NaN.
 * The target is not differentiable (rejected on the host, as PyTorch). */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) { return log(1 + exp(-x[1] * x[0])); }
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t e = exp(-x[1] * x[0]);
    return -x[1] * e / (1 + e);
}
