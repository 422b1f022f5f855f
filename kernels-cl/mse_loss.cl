/* mse_loss: l = (x - y)^2; dl/dx = 2 (x - y) = -dl/dy. A function of d = x - y: see DIFF_LOSS in elementwise.cl. */
#define ARITY 2
#define DIFF_LOSS(T)                                                                      \
    inline T diff_value_##T(T d, acc_t p) { return d * d; }                               \
    inline T diff_slope_##T(T d, acc_t p) { return 2 * d; }                               \
    inline T diff_target_slope_##T(T d, acc_t p) { return -2 * d; }
