package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.CtcLoss;
import io.losscl.loss.MseLoss;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 11's rows through the Java API: typed errors instead of crashes, each a regression test. */
class HardeningTest {
    static Stream<BackendKind> backends() { return Stream.of(BackendKind.JAVA, BackendKind.OPENCL); }

    private static LossEngine open(BackendKind kind) {
        if (kind == BackendKind.OPENCL) OpenClSupport.assume();
        return LossEngine.create(kind);
    }

    private static final LossInputs GOOD = LossInputs.of("input", HostTensor.of(new float[] {1, 2}, 2), "target", HostTensor.of(new float[] {0, 0}, 2));

    /** Row 1: the reference checks the heap its alpha/beta tables need (T=40000 x 2S+1=40001: ~26 GB) first. */
    @Test
    void ctcTooLargeForTheJavaHeapIsATypedError() {
        int t = 40000, s = 20000;
        float[] lp = new float[t * 2];
        java.util.Arrays.fill(lp, (float) Math.log(0.5));
        long[] targets = new long[s];
        java.util.Arrays.fill(targets, 1);
        LossInputs in = LossInputs.of("log_probs", HostTensor.of(lp, t, 1, 2), "targets", HostTensor.of(targets, 1, s),
                "input_lengths", HostTensor.of(new long[] {t}, 1), "target_lengths", HostTensor.of(new long[] {s}, 1));
        try (LossEngine engine = LossEngine.create(BackendKind.JAVA)) {
            UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                    () -> engine.compute(CtcLoss.defaults(), in, "log_probs"));
            assertTrue(e.getMessage().startsWith("ctc_loss: the Java reference needs"), e.getMessage());
            assertEquals(2.5, engine.compute(MseLoss.mean(), GOOD).scalar(), 1e-6);
        }
    }

    /** Row 5: element counts without overflow; a zero dimension makes 0 elements whatever the others. */
    @Test
    void elementCountsDoNotOverflow() {
        long big = 1L << 32;
        assertEquals(0, Shape.of(big, big, 0).numel());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Shape.of(big, big, 1).numel());
        assertTrue(e.getMessage().contains("[4294967296, 4294967296, 1]"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Shape.of(big).numelInt());
        assertThrows(InvalidArgumentException.class, () -> HostTensor.of(new float[0], big, big, 1));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aZeroSizedTensorWithHugeDimensionsIsValid(BackendKind kind) {
        long big = 1L << 32;
        HostTensor empty = HostTensor.of(new float[0], big, big, 0);
        try (LossEngine engine = open(kind)) {
            LossResult r = engine.compute(MseLoss.of(Reduction.SUM), LossInputs.of("input", empty, "target", empty), "input");
            assertEquals(0.0, r.scalar());
            assertEquals(Shape.of(big, big, 0), r.grad("input").shape());
            LossResult none = engine.compute(MseLoss.of(Reduction.NONE), LossInputs.of("input", empty, "target", empty));
            assertEquals(Shape.of(big, big, 0), none.output().shape());
        }
    }

    /** Left-over of issue 11: the output dtype follows PyTorch 1.13 (hinge and soft margin keep the input's dtype). */
    @ParameterizedTest
    @MethodSource("backends")
    void outputDtypeFollowsPyTorch(BackendKind kind) {
        HostTensor x32 = HostTensor.of(new float[] {0.5f, -1, 2}, 3);
        HostTensor t64 = HostTensor.of(new double[] {1, -1, 1}, 3);
        try (LossEngine engine = open(kind)) {
            for (Loss loss : new Loss[] {io.losscl.loss.HingeEmbeddingLoss.builder().build(), io.losscl.loss.SoftMarginLoss.mean()}) {
                LossResult r = engine.compute(loss, LossInputs.of("input", x32, "target", t64), "input");
                assertEquals(DType.FLOAT32, r.output().dtype(), loss.name());
                assertEquals(DType.FLOAT32, r.grad("input").dtype(), loss.name());
            }
        }
        assertEquals(DType.FLOAT32, DType.promote(DType.FLOAT16, DType.BFLOAT16));
        assertEquals(DType.FLOAT16, DType.promote(DType.FLOAT16, DType.INT64));
        assertEquals(DType.FLOAT64, DType.promote(DType.BFLOAT16, DType.FLOAT64));
    }

    /** Left-over of issue 11: mse_loss and huber_loss with an int64 target compute the loss but, as PyTorch, no gradient. */
    @ParameterizedTest
    @MethodSource("backends")
    void int64TargetGradientIsRejectedAsPyTorchDoes(BackendKind kind) {
        HostTensor x = HostTensor.of(new float[] {0.5f, -1, 2}, 3);
        HostTensor t = HostTensor.of(new long[] {1, 0, 2}, 3);
        try (LossEngine engine = open(kind)) {
            for (Loss loss : new Loss[] {MseLoss.mean(), io.losscl.loss.HuberLoss.builder().build()}) {
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                        () -> engine.compute(loss, LossInputs.of("input", x, "target", t), "input"));
                assertTrue(e.getMessage().startsWith(loss.name() + ": no gradient with an int64 target"), e.getMessage());
                assertTrue(Double.isFinite(engine.compute(loss, LossInputs.of("input", x, "target", t)).scalar()));
            }
        }
    }

    /**
     * Found by FuzzTest: triplet_margin_loss with inputs of one shape but mixed dtypes (float16 anchor,
     * float32 others) returned the OpenCL gradients in float64, the host expansion's working dtype.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void mixedDtypeRowLossGradientsHaveTheResultDtype(BackendKind kind) {
        short[] half = new short[6];
        for (int i = 0; i < 6; i++) half[i] = Half.fromDouble(0.25 * i - 0.5);
        HostTensor a = HostTensor.ofHalfBits(DType.FLOAT16, half, 2, 3);
        HostTensor p = HostTensor.of(new float[] {1, 0, 2, -1, 0.5f, 0}, 2, 3), n = HostTensor.of(new float[] {0, 1, 0, 1, -1, 2}, 2, 3);
        try (LossEngine engine = open(kind)) {
            LossResult r = engine.compute(io.losscl.loss.TripletMarginLoss.builder().build(),
                    LossInputs.of("anchor", a, "positive", p, "negative", n), "anchor", "positive");
            assertEquals(DType.FLOAT32, r.output().dtype());
            assertEquals(DType.FLOAT32, r.grad("anchor").dtype());
            assertEquals(DType.FLOAT32, r.grad("positive").dtype());
        }
    }
}
