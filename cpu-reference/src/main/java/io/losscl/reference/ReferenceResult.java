package io.losscl.reference;

import io.losscl.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/** A reference result in double precision: the output and the gradients asked for. */
public final class ReferenceResult {
    private final Shape shape;
    private final double[] output;
    private final Map<String, double[]> grads = new LinkedHashMap<>();
    private final Map<String, Shape> gradShapes = new LinkedHashMap<>();

    public ReferenceResult(Shape shape, double[] output) {
        this.shape = shape;
        this.output = output;
    }

    /** A scalar result. */
    public static ReferenceResult scalar(double value) { return new ReferenceResult(Shape.scalar(), new double[] {value}); }

    /** Adds the gradient of input {@code name}, of that input's shape. */
    public ReferenceResult withGrad(String name, Shape shape, double[] grad) {
        grads.put(name, grad);
        gradShapes.put(name, shape);
        return this;
    }

    public Shape shape() { return shape; }
    public double[] output() { return output; }
    public Map<String, double[]> grads() { return grads; }
    public Shape gradShape(String name) { return gradShapes.get(name); }
}
