package io.losscl.examples;

import static org.jocl.CL.*;

import io.losscl.DType;
import io.losscl.HostTensor;
import io.losscl.LossEngine;
import io.losscl.LossInputs;
import io.losscl.LossResult;
import io.losscl.Shape;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.opencl.DeviceTensor;
import java.util.Arrays;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;

/**
 * Example (c): a framework that keeps its tensors in its own OpenCL buffers hands them to losscl without a
 * copy. The application creates the context, queue and buffers (here with JOCL, as such a framework
 * would), runs losscl on them with {@link LossEngine#onOpenCl}, and views its buffers with
 * {@link DeviceTensor#wrap}; the in-place gradient is then written into its own buffer, on its own queue.
 * losscl never releases the application's objects.
 */
public final class BringYourOwnContext {
    private BringYourOwnContext() {}

    public static void main(String[] args) {
        CL.setExceptionsEnabled(true);
        int n = 64, c = 10;
        float[] logits = new float[n * c];
        long[] labels = new long[n];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) Math.sin(i * 0.37) * 2;
        for (int i = 0; i < n; i++) labels[i] = (i * 7) % c;

        // --- the application's own OpenCL objects ---
        cl_platform_id[] platform = new cl_platform_id[1];
        clGetPlatformIDs(1, platform, null);
        cl_device_id[] device = new cl_device_id[1];
        clGetDeviceIDs(platform[0], CL_DEVICE_TYPE_ALL, 1, device, null);
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform[0]);
        cl_context context = clCreateContext(props, 1, device, null, null, null);
        @SuppressWarnings("deprecation")
        cl_command_queue queue = clCreateCommandQueue(context, device[0], 0, null); // in-order
        cl_mem logitsMem = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, (long) logits.length * Sizeof.cl_float, Pointer.to(logits), null);
        cl_mem labelsMem = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, (long) n * Sizeof.cl_long, Pointer.to(labels), null);

        CrossEntropyLoss ce = CrossEntropyLoss.of();
        float[] expected;
        float[] gradient = new float[n * c];
        try (LossEngine engine = LossEngine.onOpenCl(context, device[0], queue)) {
            System.out.println("losscl backend: " + engine.backendName());
            // the same call on host arrays, for comparison
            try (LossResult host = engine.compute(ce, LossInputs.of("input", HostTensor.of(logits, n, c), "target", HostTensor.of(labels, n)), "input")) {
                expected = host.grad("input").toHost().floatData();
                System.out.printf("host arrays:        loss %.7f%n", host.scalar());
            }
            // views of the application's buffers; the gradient overwrites the logits in place
            try (DeviceTensor x = DeviceTensor.wrap(logitsMem, DType.FLOAT32, Shape.of(n, c));
                 DeviceTensor t = DeviceTensor.wrap(labelsMem, DType.INT64, Shape.of(n));
                 LossResult r = engine.computeGradientInPlace(ce, LossInputs.of("input", x, "target", t), "input")) {
                System.out.printf("application's cl_mem: loss %.7f%n", r.scalar());
            }
        }
        // the engine is closed; the application's queue and buffers are still its own
        clEnqueueReadBuffer(queue, logitsMem, CL_TRUE, 0, (long) gradient.length * Sizeof.cl_float, Pointer.to(gradient), 0, null, null);
        clReleaseMemObject(logitsMem);
        clReleaseMemObject(labelsMem);
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
        boolean same = Arrays.equals(expected, gradient);
        System.out.println("gradient read from the application's buffer equals the host-array call bitwise: " + same);
        if (!same) throw new IllegalStateException("the in-place gradient differs from the host-array call");
    }
}
