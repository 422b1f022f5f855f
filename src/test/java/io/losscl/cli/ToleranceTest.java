package io.losscl.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.losscl.DType;
import org.junit.jupiter.api.Test;

/** The per-tensor accuracy rule (shared/spec/eval-protocol.md "Accuracy"). */
class ToleranceTest {
    private static final DType F32 = DType.FLOAT32;

    @Test
    void elementBoundAlonePassesAWellConditionedTensor() {
        double[] want = {1.0, -2.0, 1e-7};
        assertNull(Tolerance.checkTensor(new double[] {1.00009, -2.0001, 5e-6}, want, new double[] {1.0, -2.0, 1e-7}, F32));
        assertNotNull(Tolerance.checkTensor(new double[] {1.0002, -2.0, 1e-7}, want, new double[] {1.0, -2.0, 1e-7}, F32));
        assertNotNull(Tolerance.checkTensor(new double[] {1.0002, -2.0, 1e-7}, want, null, F32));
    }

    @Test
    void illConditionedTensorIsJudgedAgainstTwicePyTorchsError() {
        // PyTorch misses the element bound on element 0 (error 1e-3): up to 2e-3 + 1e-7 anywhere is accepted...
        double[] want = {1e-3, 5.0};
        double[] torch = {2e-3, 5.0};
        assertNull(Tolerance.checkTensor(new double[] {2.9e-3, 5.0015}, want, torch, F32));
        // ...but not more,
        assertNotNull(Tolerance.checkTensor(new double[] {3.2e-3, 5.0}, want, torch, F32));
        // and not a NaN that neither the answer nor PyTorch has.
        assertNotNull(Tolerance.checkTensor(new double[] {1e-3, Double.NaN}, want, torch, F32));
    }

    @Test
    void nonFiniteAnswersMustBeMatched() {
        assertNull(Tolerance.checkTensor(new double[] {Double.NaN, Double.POSITIVE_INFINITY}, new double[] {Double.NaN, Double.POSITIVE_INFINITY},
                new double[] {Double.NaN, Double.POSITIVE_INFINITY}, F32));
        assertNotNull(Tolerance.checkTensor(new double[] {0, Double.POSITIVE_INFINITY}, new double[] {Double.NaN, Double.POSITIVE_INFINITY},
                new double[] {Double.NaN, Double.POSITIVE_INFINITY}, F32));
    }
}
