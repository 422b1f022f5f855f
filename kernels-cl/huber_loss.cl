/* huber_loss: z = |x - y|, l = z < delta ? z^2/2 : delta (z - delta/2).  P[0] = delta > 0.
 * dl/dx = clamp(x - y, -delta, delta) (NaN stays NaN, unlike clamp()); dl/dy is the same function of
 * y - x (PyTorch's backward, which differs from -dl/dx only in how NaN and ties are signed).
 * A function of d = x - y: see DIFF_LOSS in elementwise.cl. */
#define ARITY 2
#define DIFF_LOSS(T)                                                                      \
    inline T diff_value_##T(T d, acc_t delta) {                                           \
        const T z = fabs(d);                                                              \
        return z < delta ? (T)0.5 * z * z : delta * (z - (T)0.5 * delta);                 \
    }                                                                                     \
    inline T diff_slope_##T(T d, acc_t delta) {                                           \
        return d <= -delta ? (T)-delta : (d >= delta ? (T)delta : d);                     \
    }                                                                                     \
    inline T diff_target_slope_##T(T d, acc_t delta) { return diff_slope_##T(-d, delta); }
