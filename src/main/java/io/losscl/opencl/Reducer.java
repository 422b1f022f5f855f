package io.losscl.opencl;

import java.util.List;

/**
 * The partials of a deterministic reduction. Most loss kernels finish their reduction in the same launch
 * (common.cl's {@code FINISH_SUM}: the last work-group to finish sums every group's partial in index order;
 * the host passes {@link KernelCall#sumArgs}); {@link #finish} is the separate second stage for kernels whose
 * partials are not one per work-group (ctc_loss's one per batch item): one work-group of
 * {@code reduce_partials} sums them in the same fixed tree and writes the final value.
 */
public final class Reducer {
    /** How {@code reduce_partials} turns the summed components into the output. */
    public enum Mode {
        /** {@code out = scale * s0}. */
        SCALED_SUM(0),
        /** {@code out = s0 / s1}: a weighted mean (cross-entropy with class weights). */
        RATIO(1);

        final int code;

        Mode(int code) { this.code = code; }
    }

    private Reducer() {}

    /** Bytes for the partials of {@code groups} work-groups with {@code components} accumulators. */
    public static long partialsBytes(OpenClContext cl, long groups, int components) {
        return groups * components * cl.accBytes();
    }

    /**
     * Enqueues the second stage over {@code partials}, writing element 0 of {@code out}.
     *
     * @param stems and options identify the program the loss kernel came from (reduce_partials is in every program)
     */
    public static void finish(OpenClContext cl, List<String> stems, String options, DeviceBuffer partials,
                              long groups, int components, Mode mode, double scale, DeviceBuffer out) {
        cl.call(cl.kernel(stems, options, "reduce_partials"), "reduce_partials")
                .mem(partials).int32((int) groups).int32(components).int32(mode.code).real(scale).mem(out)
                .launch(1);
    }
}
