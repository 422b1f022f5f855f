/* l1_loss: l = |x - y|; dl/dx = sign(x - y) = -dl/dy (0 where x == y, and 0 where x - y is NaN, as PyTorch).
 * sign() written as a select chain with constant arms rather than the builtin: the builtin is an
 * out-of-line library call on POCL, and so was it in effect for (d > 0) - (d < 0) or an arm returning d:
 * each stopped the skeleton's 16-lane loop from vectorising.
 * Values: +-1 off zero, 0 at zero and 0 for NaN (the target's: -0), as PyTorch's gradient.
 * A function of d = x - y: see DIFF_LOSS in elementwise.cl. */
#define ARITY 2
#define DIFF_LOSS(T)                                                                      \
    inline T diff_value_##T(T d, acc_t p) { return fabs(d); }                             \
    inline T diff_slope_##T(T d, acc_t p) { return d > 0 ? (T)1 : (d < 0 ? (T)-1 : (T)0); } \
    inline T diff_target_slope_##T(T d, acc_t p) { return -diff_slope_##T(d, p); }
