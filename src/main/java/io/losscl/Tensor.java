package io.losscl;

/**
 * A dense, row-major tensor: either {@link HostTensor} (Java arrays) or a device-resident
 * tensor owned by an OpenCL engine ({@code io.losscl.opencl.DeviceTensor}).
 */
public interface Tensor {
    /** The element type. */
    DType dtype();

    /** The shape; {@code []} for a scalar. */
    Shape shape();

    /** Number of elements. */
    default long numel() { return shape().numel(); }

    /** This tensor's data in host memory: itself for a host tensor, a download for a device tensor. */
    HostTensor toHost();

    /**
     * Copies this tensor's elements into {@code dst}, a host tensor of the same dtype and number of
     * elements, e.g. one a caller reuses across calls; a device tensor downloads straight into
     * {@code dst}'s array, with no intermediate array.
     */
    default void copyTo(HostTensor dst) {
        HostTensor h = toHost();
        if (h != dst) HostTensor.copy(h, dst);
    }
}
