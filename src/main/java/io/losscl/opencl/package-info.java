/**
 * The OpenCL backend. For applications: {@link io.losscl.opencl.DeviceTensor} (a tensor in device
 * memory: made by {@link io.losscl.LossEngine#upload}, returned by calls on device tensors, or a view of
 * the caller's own {@code cl_mem} by {@link io.losscl.opencl.DeviceTensor#wrap}), and
 * {@link io.losscl.opencl.DeviceInfo} (what {@code losscl devices} lists).
 *
 * <p>The rest is the backend's machinery, public only so that losscl's packages can share it: the context
 * and queue ({@link io.losscl.opencl.OpenClContext}), the program cache, the buffer pool and per-call
 * buffers ({@link io.losscl.opencl.CallScope}), and one {@link io.losscl.opencl.KernelLoss} per loss family
 * (the kernels themselves are OpenCL C files packaged under {@code io/losscl/kernels/}).
 */
package io.losscl.opencl;
