/**
 * losscl: PyTorch's {@code torch.nn} losses, forward and backward, on OpenCL devices or on a pure-Java
 * double-precision reference.
 *
 * <p>What an application uses: {@link io.losscl.LossEngine} (create one, close it when done),
 * {@link io.losscl.HostTensor} (Java arrays and direct buffers, wrapped, not copied),
 * {@link io.losscl.LossInputs} (the named inputs of one call), a loss specification from
 * {@link io.losscl.loss}, and {@link io.losscl.LossResult} (the output and gradients; close it when it
 * holds device tensors). Errors are {@link io.losscl.LossclException}s: {@link io.losscl.InvalidArgumentException}
 * for bad input (before any kernel runs), {@link io.losscl.UnsupportedFeatureException},
 * {@link io.losscl.BackendUnavailableException}, {@link io.losscl.DeviceException} and
 * {@link io.losscl.EngineClosedException}.
 *
 * <p>{@link io.losscl.Backend}, {@link io.losscl.LossEntry} and {@link io.losscl.LossRegistry} are how
 * losscl's own packages plug together (the command line and the tests read the registry); an application
 * has no need of them.
 */
package io.losscl;
