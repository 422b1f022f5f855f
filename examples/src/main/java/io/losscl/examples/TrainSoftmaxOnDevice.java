package io.losscl.examples;

import io.losscl.BackendKind;
import io.losscl.HostTensor;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.opencl.DeviceTensor;

/**
 * Example (b): the same training loop with device-resident tensors. The labels are uploaded once and stay
 * on the device; each step uploads the logits, and the loss and gradient stay on the device until asked
 * for. Ownership: the application closes what it uploaded, and each {@link LossResult} (try-with-resources)
 * releases the device tensors the call made. Needs an OpenCL device (POCL on a CPU will do).
 */
public final class TrainSoftmaxOnDevice {
    private TrainSoftmaxOnDevice() {}

    public static void main(String[] args) {
        int epochs = 60;
        SoftmaxClassifier model = new SoftmaxClassifier();
        int n = SoftmaxClassifier.SAMPLES, c = SoftmaxClassifier.CLASSES;
        float[] logits = new float[n * c];
        HostTensor dLogits = HostTensor.of(new float[n * c], n, c);
        double first = 0, last = 0;

        CrossEntropyLoss ce = CrossEntropyLoss.of();
        try (LossEngine engine = LossEngine.create(BackendKind.OPENCL);        // an error if there is no OpenCL device
             DeviceTensor labels = engine.upload(HostTensor.of(model.labels, n))) {
            System.out.println("losscl backend: " + engine.backendName());
            for (int epoch = 0; epoch < epochs; epoch++) {
                model.logits(logits);
                try (DeviceTensor input = engine.upload(HostTensor.of(logits, n, c));
                     LossResult r = engine.compute(ce, LossInputs.of("input", input, "target", labels), "input")) {
                    double loss = r.scalar();                 // one float crosses to the host
                    r.grad("input").copyTo(dLogits);          // the gradient, straight into the reused array
                    if (epoch == 0) first = loss;
                    last = loss;
                    if (epoch % 10 == 0 || epoch == epochs - 1) System.out.printf("epoch %3d  loss %.5f%n", epoch, loss);
                }
                model.step(dLogits.floatData(), 0.5f);
            }
        }
        model.logits(logits);
        double accuracy = model.accuracy(logits);
        System.out.printf("accuracy %.3f%n", accuracy);
        SoftmaxClassifier.check(first, last, accuracy);
    }
}
