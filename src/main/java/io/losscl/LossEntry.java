package io.losscl;

import io.losscl.opencl.KernelLoss;
import io.losscl.reference.ReferenceLoss;
import java.util.function.Function;

/**
 * One row of the {@link LossRegistry}: a loss's protocol name, its specification class and option
 * parser, its Java reference and its OpenCL implementation. A new loss is one such row.
 *
 * @param <L> the loss specification type
 */
public final class LossEntry<L extends Loss> {
    private final String name;
    private final Class<L> type;
    private final Function<Options, L> parser;
    private final ReferenceLoss<L> reference;
    private final KernelLoss<L> kernel;

    /** A registry row: protocol {@code name}, specification {@code type}, its option {@code parser}, its {@code reference} and its OpenCL {@code kernel}. */
    LossEntry(String name, Class<L> type, Function<Options, L> parser, ReferenceLoss<L> reference, KernelLoss<L> kernel) {
        this.name = name;
        this.type = type;
        this.parser = parser;
        this.reference = reference;
        this.kernel = kernel;
    }

    /** The protocol name, e.g. {@code cross_entropy}. */
    public String name() { return name; }

    /** The specification class. */
    public Class<L> type() { return type; }

    /** Builds the loss from PyTorch-style keyword options. */
    public L parse(Options options) { return parser.apply(options); }

    /** The double-precision Java reference. */
    public ReferenceLoss<L> reference() { return reference; }

    /** The OpenCL implementation. */
    public KernelLoss<L> kernel() { return kernel; }
}
