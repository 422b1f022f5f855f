package io.losscl.loss;

import io.losscl.DType;
import io.losscl.LossInputs;
import io.losscl.Reduction;
import io.losscl.Shape;
import io.losscl.Tensor;
import java.util.List;

/**
 * The specification skeleton of every {@link ElementwiseLoss}: reduction, dtype rules and PyTorch's
 * broadcasting of the inputs. A loss names its inputs and says which may be int64 and whether mixed
 * floating dtypes promote; it may add shape rules ({@link #checkShapes}) and value rules
 * ({@link #checkValues}, host tensors only).
 */
public abstract class AbstractElementwiseLoss implements ElementwiseLoss {
    private final Reduction reduction;

    /** A loss with {@code reduction}, checked against the reductions an elementwise loss takes. */
    protected AbstractElementwiseLoss(Reduction reduction) {
        if (reduction == null) throw new io.losscl.InvalidArgumentException(name() + ": reduction is null");
        if (reduction == Reduction.BATCHMEAN && !allowsBatchmean()) {
            throw new io.losscl.InvalidArgumentException(name() + ": reduction batchmean is only valid for kl_div");
        }
        this.reduction = reduction;
    }

    @Override public Reduction reduction() { return reduction; }

    /** Whether {@link Reduction#BATCHMEAN} is a valid reduction (kl_div only; called from the constructor). */
    protected boolean allowsBatchmean() { return false; }

    @Override public double[] parameters() { return new double[0]; }

    /**
     * Whether input {@code name} may be an int64 tensor (PyTorch promotes it to the result's floating
     * dtype; it gets no gradient). Default: every input but the first.
     */
    protected boolean acceptsInt64(String name) { return !name.equals(inputNames().get(0)); }

    /**
     * Whether floating inputs of different dtypes promote to the widest (as PyTorch's composite
     * losses do) rather than being rejected (as PyTorch's fused kernels, e.g. mse_loss, do).
     */
    protected boolean promotesFloatDtypes() { return true; }

    /**
     * Whether the output (and gradients) take the dtype of the first input whatever the others' (PyTorch
     * writes hinge_embedding_loss and soft_margin_loss into a tensor of the input's dtype) rather than
     * the promoted dtype.
     */
    protected boolean resultTakesInputDtype() { return false; }

    /**
     * Whether an int64 input makes every gradient an error, as PyTorch's fused backward kernels
     * (mse_loss, huber_loss) raise "Found dtype Long but expected Float" where the forward runs.
     */
    protected boolean int64BlocksGradients() { return false; }

    @Override
    public DType resultDtype(LossInputs inputs) {
        return resultTakesInputDtype() ? inputs.get(inputNames().get(0)).dtype() : ElementwiseLoss.super.resultDtype(inputs);
    }

    @Override
    public void checkGradients(LossInputs inputs, java.util.Set<String> grads) {
        if (grads.isEmpty() || !int64BlocksGradients()) return;
        for (String name : inputNames()) {
            Tensor t = inputs.get(name);
            if (t != null && t.dtype() == DType.INT64) {
                throw Checks.invalid(name(), "no gradient with an int64 " + name + " (PyTorch's backward raises"
                        + " \"Found dtype Long but expected " + resultDtype(inputs) + "\"); give a floating-point " + name);
            }
        }
    }

    /** Extra shape rules checked before broadcasting (e.g. margin_ranking_loss's equal ranks). */
    protected void checkShapes(LossInputs inputs) {}

    /** Value rules on host tensors (e.g. gaussian_nll_loss's non-negative var); device tensors are not read. */
    protected void checkValues(LossInputs inputs) {}

    @Override
    public Shape validate(LossInputs inputs) {
        List<String> names = inputNames();
        Tensor first = null;
        String firstName = null;
        for (String name : names) {
            Tensor t = inputs.require(name(), name);
            if (!t.dtype().isFloating()) {
                if (t.dtype() != DType.INT64 || !acceptsInt64(name)) {
                    throw Checks.invalid(name(), name + " must be a floating-point tensor, got " + t.dtype() + " of shape " + t.shape());
                }
            } else if (first == null) {
                first = t;
                firstName = name;
            } else if (!promotesFloatDtypes()) {
                Checks.sameDtype(name(), firstName, first, name, t);
            }
        }
        checkShapes(inputs);
        Shape out = operandShape(names.get(0), inputs);
        for (int i = 1; i < names.size(); i++) {
            String name = names.get(i);
            Shape s = operandShape(name, inputs);
            if (s.equals(out)) continue;
            Checks.broadcastTogether(name(), String.join(" and ", names.subList(0, i)), out, name, s);
            out = io.losscl.Broadcast.shapes(out, s);
        }
        checkValues(inputs);
        return reduction == Reduction.NONE ? out : Shape.scalar();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name()).append("(reduction=").append(reduction);
        String opts = describeOptions();
        if (!opts.isEmpty()) sb.append(", ").append(opts);
        return sb.append(')').toString();
    }

    /** The loss's own options for {@link #toString}, e.g. {@code "delta=0.5"}; empty by default. */
    protected String describeOptions() { return ""; }
}
