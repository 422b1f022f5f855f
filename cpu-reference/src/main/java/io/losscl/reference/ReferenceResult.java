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

    /** A result of {@code shape} with the output values {@code output} (row-major), no gradients yet. */
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

    /** The output's shape. */
    public Shape shape() { return shape; }
    /** The output values, row-major. */
    public double[] output() { return output; }
    /** The gradients by input name. */
    public Map<String, double[]> grads() { return grads; }
    /** The shape of the gradient of input {@code name}, or {@code null} when not computed. */
    public Shape gradShape(String name) { return gradShapes.get(name); }
}
