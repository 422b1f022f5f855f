package io.losscl;

/**
 * How per-element losses are combined, as PyTorch's {@code reduction} argument.
 * {@link #BATCHMEAN} is valid for {@code kl_div} only.
 */
public enum Reduction {
    /** Per-element losses, the shape of the loss's unreduced output. */
    NONE("none"),
    /** Mean of the per-element losses (weighted mean where the loss has class weights). */
    MEAN("mean"),
    /** Sum of the per-element losses. */
    SUM("sum"),
    /** Sum divided by the batch size (the first dimension); {@code kl_div} only. */
    BATCHMEAN("batchmean");

    private final String protocolName;

    Reduction(String protocolName) { this.protocolName = protocolName; }

    /** The PyTorch spelling, e.g. {@code "mean"}. */
    public String protocolName() { return protocolName; }

    /** Parses PyTorch's spelling; {@code null} when unknown. */
    public static Reduction fromProtocolName(String s) {
        for (Reduction r : values()) if (r.protocolName.equals(s)) return r;
        return null;
    }

    @Override
    public String toString() { return protocolName; }
}
