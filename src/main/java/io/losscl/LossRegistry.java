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
            new LossEntry<>("poisson_nll_loss", PoissonNllLoss.class, PoissonNllLoss::fromOptions, new PoissonNllLossReference(), new ElementwiseKernel<>("poisson_nll_loss")),
            new LossEntry<>("gaussian_nll_loss", GaussianNllLoss.class, GaussianNllLoss::fromOptions, new GaussianNllLossReference(), new ElementwiseKernel<>("gaussian_nll_loss")),
            new LossEntry<>("margin_ranking_loss", MarginRankingLoss.class, MarginRankingLoss::fromOptions, new MarginRankingLossReference(), new ElementwiseKernel<>("margin_ranking_loss")),
            new LossEntry<>("hinge_embedding_loss", HingeEmbeddingLoss.class, HingeEmbeddingLoss::fromOptions, new HingeEmbeddingLossReference(), new ElementwiseKernel<>("hinge_embedding_loss")),
            new LossEntry<>("huber_loss", HuberLoss.class, HuberLoss::fromOptions, new HuberLossReference(), new ElementwiseKernel<>("huber_loss")),
            new LossEntry<>("smooth_l1_loss", SmoothL1Loss.class, SmoothL1Loss::fromOptions, new SmoothL1LossReference(), new ElementwiseKernel<>("smooth_l1_loss")),
            new LossEntry<>("soft_margin_loss", SoftMarginLoss.class, SoftMarginLoss::fromOptions, new SoftMarginLossReference(), new ElementwiseKernel<>("soft_margin_loss")),
            new LossEntry<>("binary_cross_entropy", BinaryCrossEntropyLoss.class, BinaryCrossEntropyLoss::fromOptions, new BinaryCrossEntropyReference(), new BinaryCrossEntropyKernel<>()),
            new LossEntry<>("binary_cross_entropy_with_logits", BinaryCrossEntropyWithLogitsLoss.class, BinaryCrossEntropyWithLogitsLoss::fromOptions, new BinaryCrossEntropyWithLogitsReference(), new BinaryCrossEntropyKernel<>()),
            new LossEntry<>("cosine_embedding_loss", CosineEmbeddingLoss.class, CosineEmbeddingLoss::fromOptions, new CosineEmbeddingLossReference(), new CosineEmbeddingKernel()),
            new LossEntry<>("multi_margin_loss", MultiMarginLoss.class, MultiMarginLoss::fromOptions, new MultiMarginLossReference(), new MultiMarginKernel()),
            new LossEntry<>("multilabel_margin_loss", MultilabelMarginLoss.class, MultilabelMarginLoss::fromOptions, new MultilabelMarginLossReference(), new MultilabelMarginKernel()),
            new LossEntry<>("multilabel_soft_margin_loss", MultilabelSoftMarginLoss.class, MultilabelSoftMarginLoss::fromOptions, new MultilabelSoftMarginLossReference(), new MultilabelSoftMarginKernel()),
            new LossEntry<>("triplet_margin_loss", TripletMarginLoss.class, TripletMarginLoss::fromOptions, new TripletLossReference<>(), new TripletKernel<>()),
            new LossEntry<>("triplet_margin_with_distance_loss", TripletMarginWithDistanceLoss.class, TripletMarginWithDistanceLoss::fromOptions, new TripletLossReference<>(), new TripletKernel<>()),
            new LossEntry<>("ctc_loss", CtcLoss.class, CtcLoss::fromOptions, new CtcLossReference(), new CtcLossKernel()),
            new LossEntry<>("cross_entropy", CrossEntropyLoss.class, CrossEntropyLoss::fromOptions, new CrossEntropyReference(), ClassRowsKernel.crossEntropy()),
            new LossEntry<>("nll_loss", NllLoss.class, NllLoss::fromOptions, new NllLossReference(), ClassRowsKernel.nll()),
            new LossEntry<>("kl_div", KlDivLoss.class, KlDivLoss::fromOptions, new KlDivLossReference(), new ElementwiseKernel<>("kl_div")),
            new LossEntry<>("entropy", Entropy.class, Entropy::fromOptions, new EntropyReference(), ClassRowsKernel.entropy()),
            new LossEntry<>("linear_cross_entropy", LinearCrossEntropyLoss.class, LinearCrossEntropyLoss::fromOptions, new LinearCrossEntropyReference(), new LinearCrossEntropyKernel())
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
