package io.losscl.examples;

import io.losscl.HostTensor;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.loss.CrossEntropyLoss;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Example (a): train a softmax classifier in plain Java with host arrays. losscl computes the mean
 * cross-entropy and writes d loss / d logits into an array allocated once ({@code computeInto}); the
 * loss curve is written as an SVG chart (default {@code loss-curve.svg}, or the first argument).
 */
public final class TrainSoftmax {
    private TrainSoftmax() {}

    public static void main(String[] args) throws IOException {
        Path chart = Path.of(args.length > 0 ? args[0] : "loss-curve.svg");
        int epochs = 60;
        SoftmaxClassifier model = new SoftmaxClassifier();
        int n = SoftmaxClassifier.SAMPLES, c = SoftmaxClassifier.CLASSES;
        float[] logits = new float[n * c];
        float[] dLogits = new float[n * c];
        double[] losses = new double[epochs];

        CrossEntropyLoss ce = CrossEntropyLoss.of(); // mean over the batch, PyTorch's defaults
        HostTensor labels = HostTensor.of(model.labels, n);               // int[] -> int64 class indices
        HostTensor input = HostTensor.of(logits, n, c);                    // wraps the array: no copy
        HostTensor grad = HostTensor.of(dLogits, n, c);                    // the gradient lands here
        try (LossEngine engine = LossEngine.create()) {                    // AUTO: an OpenCL device, else Java
            System.out.println("losscl backend: " + engine.backendName());
            for (int epoch = 0; epoch < epochs; epoch++) {
                model.logits(logits);
                LossResult r = engine.computeInto(ce, LossInputs.of("input", input, "target", labels), Map.of("input", grad));
                losses[epoch] = r.scalar();
                model.step(dLogits, 0.5f);
                if (epoch % 10 == 0 || epoch == epochs - 1) System.out.printf("epoch %3d  loss %.5f%n", epoch, losses[epoch]);
            }
        }
        model.logits(logits);
        double accuracy = model.accuracy(logits);
        System.out.printf("accuracy %.3f%n", accuracy);
        LossCurveSvg.write(chart, "softmax classifier: mean cross-entropy per epoch", losses);
        System.out.println("loss curve: " + chart.toAbsolutePath());
        SoftmaxClassifier.check(losses[0], losses[epochs - 1], accuracy);
    }
}
