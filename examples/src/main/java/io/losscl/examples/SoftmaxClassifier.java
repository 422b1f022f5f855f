package io.losscl.examples;

import java.util.Random;

/**
 * A linear softmax classifier in plain Java: logits = x W^T + b, trained by gradient descent on a synthetic
 * data set of Gaussian blobs. losscl computes the cross-entropy and its gradient with respect to the
 * logits; this class does the rest (the matrix products and the update), as an application's own model would.
 */
final class SoftmaxClassifier {
    static final int SAMPLES = 1024, FEATURES = 8, CLASSES = 4;

    final float[] x = new float[SAMPLES * FEATURES];
    final int[] labels = new int[SAMPLES];
    final float[] weights = new float[CLASSES * FEATURES];
    final float[] bias = new float[CLASSES];

    /** The data set: one blob per class around a random centre, the same for every run. */
    SoftmaxClassifier() {
        Random random = new Random(42);
        double[][] centres = new double[CLASSES][FEATURES];
        for (double[] c : centres) for (int f = 0; f < FEATURES; f++) c[f] = random.nextGaussian() * 1.5;
        for (int i = 0; i < SAMPLES; i++) {
            int label = i % CLASSES;
            labels[i] = label;
            for (int f = 0; f < FEATURES; f++) x[i * FEATURES + f] = (float) (centres[label][f] + random.nextGaussian());
        }
    }

    /** The logits of every sample, row-major {@code (SAMPLES, CLASSES)}, into {@code logits}. */
    void logits(float[] logits) {
        for (int i = 0; i < SAMPLES; i++) {
            for (int c = 0; c < CLASSES; c++) {
                float s = bias[c];
                for (int f = 0; f < FEATURES; f++) s += x[i * FEATURES + f] * weights[c * FEATURES + f];
                logits[i * CLASSES + c] = s;
            }
        }
    }

    /** One gradient-descent step from d loss / d logits: dW = dLogits^T x, db = column sums of dLogits. */
    void step(float[] dLogits, float learningRate) {
        for (int c = 0; c < CLASSES; c++) {
            float db = 0;
            for (int i = 0; i < SAMPLES; i++) db += dLogits[i * CLASSES + c];
            bias[c] -= learningRate * db;
            for (int f = 0; f < FEATURES; f++) {
                float dw = 0;
                for (int i = 0; i < SAMPLES; i++) dw += dLogits[i * CLASSES + c] * x[i * FEATURES + f];
                weights[c * FEATURES + f] -= learningRate * dw;
            }
        }
    }

    /** The fraction of samples whose largest logit is their label. */
    double accuracy(float[] logits) {
        int right = 0;
        for (int i = 0; i < SAMPLES; i++) {
            int best = 0;
            for (int c = 1; c < CLASSES; c++) if (logits[i * CLASSES + c] > logits[i * CLASSES + best]) best = c;
            if (best == labels[i]) right++;
        }
        return (double) right / SAMPLES;
    }

    /** Fails the example (and so CI) unless training worked. */
    static void check(double firstLoss, double lastLoss, double accuracy) {
        if (!(lastLoss < firstLoss / 4 && accuracy > 0.9)) {
            throw new IllegalStateException("training did not converge: loss " + firstLoss + " -> " + lastLoss + ", accuracy " + accuracy);
        }
    }
}
