package io.losscl;

/** Which backend a {@link LossEngine} uses. */
public enum BackendKind {
    /** The best OpenCL device (GPU, then accelerator, then CPU); the Java reference, with a warning, when there is none. */
    AUTO,
    /** An OpenCL device; an error when none is available. */
    OPENCL,
    /** The pure-Java double-precision reference. */
    JAVA;

    /** Parses {@code auto}, {@code opencl} or {@code java} (any case); {@code null} when unknown. */
    public static BackendKind parse(String s) {
        for (BackendKind k : values()) if (k.name().equalsIgnoreCase(s)) return k;
        return null;
    }
}
