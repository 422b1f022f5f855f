/* hinge_embedding_loss, as PyTorch composes it: l = [y != 1] max(0, margin - x) + [y != -1] x, so a
 * label other than +-1 gets both terms.  P[0] = margin.
 * The clamp is written as a compare, not fmax, so NaN stays NaN (fmax(0, NaN) is 0 in OpenCL).
 * dl/dx = [y != -1] - [y != 1][margin - x >= 0] (the clamp passes its gradient at 0, not for NaN);
 * the target only selects terms: no gradient. */
#define ARITY 2
inline acc_t elem_loss(const acc_t *x, const acc_t *P) {
    const acc_t c = P[0] - x[0];
    return (x[1] != 1 ? (c < 0 ? (acc_t)0 : c) : (acc_t)0) + (x[1] != -1 ? x[0] : (acc_t)0);
}
inline acc_t elem_grad(const acc_t *x, const acc_t *P, int k) {
    if (k != 0) return 0;
    const acc_t c = P[0] - x[0];
    return (x[1] != -1 ? (acc_t)1 : (acc_t)0) - ((x[1] != 1 && c >= 0) ? (acc_t)1 : (acc_t)0);
}
