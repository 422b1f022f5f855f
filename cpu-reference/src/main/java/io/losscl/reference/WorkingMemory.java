package io.losscl.reference;

import io.losscl.UnsupportedFeatureException;

/**
 * The heap check a reference makes before allocating working memory that grows faster than its
 * inputs (CTC's alpha and beta tables, a broadcast's full-size arrays): a case too large for this JVM
 * is a typed error naming the loss, not an {@link OutOfMemoryError} that takes the process down.
 */
final class WorkingMemory {
    private WorkingMemory() {}

    /**
     * Returns when {@code bytes} more fit on the heap (after one collection if needed), else throws.
     *
     * @param what what the memory is for, e.g. {@code "alpha and beta tables of T=40000 x 40001"}
     * @throws UnsupportedFeatureException naming {@code loss}, the bytes needed and the heap's room
     */
    static void require(String loss, double bytes, String what) {
        Runtime rt = Runtime.getRuntime();
        if (bytes <= room(rt)) return;
        if (bytes < rt.maxMemory()) {
            System.gc(); // garbage counts as used until collected; only reached for a case this large
            if (bytes <= room(rt)) return;
        }
        throw new UnsupportedFeatureException(String.format(
                "%s: the Java reference needs %.3g GB of working memory for %s, more than the %.3g GB left on this JVM's heap"
                        + " (-Xmx %.3g GB); use the OpenCL backend or a larger -Xmx",
                loss, bytes / 1e9, what, room(rt) / 1e9, rt.maxMemory() / 1e9));
    }

    /**
     * {@link #require} for one {@code double} per element of {@code shape}, which also must fit one Java array;
     * returns the length. {@code what} names the array, as "{@code what} {@code shape}" (built only for an error).
     */
    static int requireDoubles(String loss, io.losscl.Shape shape, String what) {
        long count = shape.numel();
        if (count > Integer.MAX_VALUE - 8) {
            throw new UnsupportedFeatureException(loss + ": the Java reference holds " + what + " " + shape + " in one array, and " + count
                    + " elements are more than a Java array holds; use the OpenCL backend");
        }
        Runtime rt = Runtime.getRuntime();
        if (count * 8.0 > room(rt)) require(loss, count * 8.0, what + " " + shape);
        return (int) count;
    }

    /** Bytes the heap can still grow by. */
    private static long room(Runtime rt) { return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()); }
}
