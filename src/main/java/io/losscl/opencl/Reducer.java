package io.losscl.opencl;

import java.util.List;

/**
 * The deterministic second stage shared by every reduction: the loss kernel leaves one partial per
 * work-group (of {@code components} accumulators each), then one work-group of
 * {@code reduce_partials} (common.cl) sums them in a fixed tree and writes the final value.
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
