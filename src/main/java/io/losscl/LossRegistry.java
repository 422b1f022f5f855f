package io.losscl;

import io.losscl.loss.*;
import io.losscl.opencl.*;
import io.losscl.reference.*;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every loss losscl implements, one row each: this is the only place a new loss is listed.
 * The eval command, both backends and the conformance tests all read it.
 */
public final class LossRegistry {
    private LossRegistry() {}

    private static final List<LossEntry<?>> ENTRIES = List.of(
            new LossEntry<>("l1_loss", L1Loss.class, L1Loss::fromOptions, new L1LossReference(), new ElementwiseKernel<>("l1_loss")),
            new LossEntry<>("mse_loss", MseLoss.class, MseLoss::fromOptions, new MseLossReference(), new ElementwiseKernel<>("mse_loss")),
            new LossEntry<>("cross_entropy", CrossEntropyLoss.class, CrossEntropyLoss::fromOptions, new CrossEntropyReference(), ClassRowsKernel.crossEntropy()),
            new LossEntry<>("nll_loss", NllLoss.class, NllLoss::fromOptions, new NllLossReference(), ClassRowsKernel.nll()),
            new LossEntry<>("kl_div", KlDivLoss.class, KlDivLoss::fromOptions, new KlDivLossReference(), new KlDivKernel()),
            new LossEntry<>("entropy", Entropy.class, Entropy::fromOptions, new EntropyReference(), ClassRowsKernel.entropy())
    );

    private static final Map<String, LossEntry<?>> BY_NAME = index();

    private static Map<String, LossEntry<?>> index() {
        Map<String, LossEntry<?>> m = new LinkedHashMap<>();
        for (LossEntry<?> e : ENTRIES) {
            if (m.put(e.name(), e) != null) throw new IllegalStateException("loss registered twice: " + e.name());
        }
        return Collections.unmodifiableMap(m);
    }

    /** The entry for a protocol name, or {@code null} when this build does not implement it. */
    public static LossEntry<?> byName(String name) { return BY_NAME.get(name); }

    /** All entries, in registration order. */
    public static List<LossEntry<?>> all() { return ENTRIES; }

    /** The entry whose specification class is {@code loss}'s class. */
    public static LossEntry<?> entryFor(Loss loss) {
        for (LossEntry<?> e : ENTRIES) if (e.type() == loss.getClass()) return e;
        throw new UnsupportedFeatureException(loss.name() + ": not registered in LossRegistry");
    }
}
