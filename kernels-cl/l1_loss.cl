/* l1_loss: l = |x - y|; dl/dx = sign(x - y) = -dl/dy (0 where x == y, and 0 where x - y is NaN, as PyTorch).
 * sign() written as selects rather than the builtin: the builtin is an out-of-line library call on
 * POCL, which stops the skeleton's 16-lane loop from vectorising (fwd+bwd ran ~4x slower). Same values:
 * +-1 off zero, the (signed) zero itself at zero, 0 for NaN (OpenCL's sign and PyTorch agree there). */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) { return fabs(x[0] - x[1]); }
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    const acc_t d = x[0] - x[1];
    const acc_t g = d > 0 ? (acc_t)1 : d < 0 ? (acc_t)-1 : d == d ? d : (acc_t)0;
    return k == 0 ? g : -g;
}
