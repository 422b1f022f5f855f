/**
 * The loss specifications, one class per {@code torch.nn.functional} loss: immutable, built with
 * {@code builder()} (or {@code of(...)} where a loss has few options), holding the options with PyTorch's
 * defaults and checking the inputs ({@link io.losscl.Loss#validate}) before any backend runs. The javadoc
 * of each class gives the formula, the inputs, the options and their valid ranges.
 *
 * <p>{@link io.losscl.loss.ClassRows}, {@link io.losscl.loss.ClassTargets}, {@link io.losscl.loss.Checks} and
 * {@link io.losscl.loss.RowLosses} are shared validation helpers for the backends.
 */
package io.losscl.loss;
