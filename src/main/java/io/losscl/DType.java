package io.losscl;

/** Element types a tensor can hold, named as in PyTorch and the eval protocol. */
public enum DType {
    /** 32-bit IEEE float ({@code float[]} on the host). */
    FLOAT32("float32", 4, true),
    /** 64-bit IEEE double ({@code double[]} on the host; on OpenCL devices with {@code cl_khr_fp64}). */
    FLOAT64("float64", 8, true),
    /** 16-bit IEEE half, stored as raw bits ({@code short[]}). */
    FLOAT16("float16", 2, true),
    /** bfloat16 (the upper half of a float), stored as raw bits ({@code short[]}). */
    BFLOAT16("bfloat16", 2, true),
    /** 64-bit signed integer ({@code long[]}): class indices, lengths. */
    INT64("int64", 8, false);

    private final String protocolName;
    private final int bytes;
    private final boolean floating;

    DType(String protocolName, int bytes, boolean floating) {
        this.protocolName = protocolName;
        this.bytes = bytes;
        this.floating = floating;
    }

    /** The name used by PyTorch and the eval protocol, e.g. {@code "float32"}. */
    public String protocolName() { return protocolName; }

    /** Size of one element in bytes. */
    public int bytes() { return bytes; }

    /** True for the floating-point types. */
    public boolean isFloating() { return floating; }

    /** Parses a protocol name; {@code null} when the name is unknown. */
    public static DType fromProtocolName(String name) {
        for (DType t : values()) {
            if (t.protocolName.equals(name)) return t;
        }
        return null;
    }

    /** Rounds a double to the nearest value representable in this type (identity for FLOAT64 and INT64). */
    public double round(double v) {
        switch (this) {
            case FLOAT32: return (float) v;
            case FLOAT16: return Half.toDouble(Half.fromDouble(v));
            case BFLOAT16: return BFloat16.toDouble(BFloat16.fromDouble(v));
            default: return v;
        }
    }

    /**
     * The dtype of a loss's output and gradients: the widest floating dtype among {@code inputs}
     * (float64, then float32, then the 16-bit types), as PyTorch's type promotion gives.
     */
    public static DType resultOf(LossInputs inputs) {
        DType best = null;
        for (Tensor t : inputs.asMap().values()) {
            DType d = t.dtype();
            if (d.isFloating() && (best == null || rank(d) > rank(best))) best = d;
        }
        return best == null ? FLOAT32 : best;
    }

    private static int rank(DType d) {
        switch (d) {
            case FLOAT64: return 3;
            case FLOAT32: return 2;
            default: return 1;
        }
    }

    @Override
    public String toString() { return protocolName; }
}
