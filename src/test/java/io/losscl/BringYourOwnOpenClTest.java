package io.losscl;

import static org.jocl.CL.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.loss.BinaryCrossEntropyWithLogitsLoss;
import io.losscl.loss.CrossEntropyLoss;
import io.losscl.opencl.DeviceTensor;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 3: an engine on a context, device and queue this test makes itself through JOCL, reading
 * buffers the test made, gives bitwise the results of the same call on host tensors, and never releases
 * the caller's objects.
 */
class BringYourOwnOpenClTest {
    private static final int N = 37, C = 129;
    private cl_context context;
    private cl_device_id device;
    private cl_command_queue queue;

    @BeforeEach
    void openOwnContext() {
        OpenClSupport.assume();
        CL.setExceptionsEnabled(true);
        int[] count = new int[1];
        clGetPlatformIDs(0, null, count);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        for (cl_platform_id p : platforms) {
            int[] n = new int[1];
            try {
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
            } catch (org.jocl.CLException noDevice) {
                continue;
            }
            cl_device_id[] ids = new cl_device_id[n[0]];
            clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL_CONTEXT_PLATFORM, p);
            device = ids[0];
            context = clCreateContext(props, 1, new cl_device_id[] {device}, null, null, null);
            @SuppressWarnings("deprecation")
            cl_command_queue q = clCreateCommandQueue(context, device, 0, null);
            queue = q;
            return;
        }
        throw new AssertionError("no OpenCL device found through JOCL although the catalog has one");
    }

    @AfterEach
    void releaseOwnContext() {
        if (queue != null) clReleaseCommandQueue(queue);
        if (context != null) clReleaseContext(context);
    }

    private cl_mem buffer(float[] data) {
        cl_mem m = clCreateBuffer(context, CL_MEM_READ_WRITE, (long) data.length * Sizeof.cl_float, null, null);
        clEnqueueWriteBuffer(queue, m, CL_TRUE, 0, (long) data.length * Sizeof.cl_float, Pointer.to(data), 0, null, null);
        return m;
    }

    private cl_mem buffer(long[] data) {
        cl_mem m = clCreateBuffer(context, CL_MEM_READ_WRITE, (long) data.length * Sizeof.cl_long, null, null);
        clEnqueueWriteBuffer(queue, m, CL_TRUE, 0, (long) data.length * Sizeof.cl_long, Pointer.to(data), 0, null, null);
        return m;
    }

    private float[] read(cl_mem m, int n) {
        float[] out = new float[n];
        clEnqueueReadBuffer(queue, m, CL_TRUE, 0, (long) n * Sizeof.cl_float, Pointer.to(out), 0, null, null);
        return out;
    }

    private static int referenceCount(cl_mem m) {
        int[] rc = new int[1];
        clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, Sizeof.cl_uint, Pointer.to(rc), null);
        return rc[0];
    }

    private static float[] logits() {
        float[] x = new float[N * C];
        java.util.Random r = new java.util.Random(10);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 4);
        return x;
    }

    private static long[] labels() {
        long[] t = new long[N];
        for (int i = 0; i < N; i++) t[i] = (i * 31L) % C;
        t[5] = -100; // ignored
        return t;
    }

    @Test
    void wrappedBuffersOnTheCallersQueueGiveBitwiseTheHostResults() {
        float[] x = logits();
        long[] t = labels();
        cl_mem mx = buffer(x), mt = buffer(t);
        CrossEntropyLoss ce = CrossEntropyLoss.builder().labelSmoothing(0.05).build();
        float[] wantLoss, wantGrad, gotLoss, gotGrad;
        try (LossEngine engine = LossEngine.onOpenCl(context, device, queue)) {
            assertTrue(engine.backendName().startsWith("opencl:"), engine.backendName());
            try (LossResult host = engine.compute(ce, LossInputs.of("input", HostTensor.of(x, N, C), "target", HostTensor.of(t, N)), "input")) {
                wantLoss = host.output().toHost().floatData();
                wantGrad = host.grad("input").toHost().floatData();
            }
            try (DeviceTensor dx = DeviceTensor.wrap(mx, DType.FLOAT32, Shape.of(N, C));
                 DeviceTensor dt = DeviceTensor.wrap(mt, DType.INT64, Shape.of(N));
                 LossResult dev = engine.compute(ce, LossInputs.of("input", dx, "target", dt), "input")) {
                assertInstanceOf(DeviceTensor.class, dev.grad("input"));
                gotLoss = dev.output().toHost().floatData();
                gotGrad = dev.grad("input").toHost().floatData();
                assertThrows(UnsupportedFeatureException.class, dx::toHost); // the caller's buffer: read on the caller's queue
            }
            // the same call on an engine losscl opened itself, on the host tensors
            try (LossEngine own = LossEngine.create(BackendKind.OPENCL);
                 LossResult r = own.compute(ce, LossInputs.of("input", HostTensor.of(x, N, C), "target", HostTensor.of(t, N)), "input")) {
                if (own.backendName().equals(engine.backendName())) assertArrayEquals(wantGrad, r.grad("input").toHost().floatData());
            }
            assertArrayEquals(wantLoss, gotLoss);
            assertArrayEquals(wantGrad, gotGrad);
            // in place, in the caller's buffer and on its queue: the caller reads the gradient itself
            try (DeviceTensor dx = DeviceTensor.wrap(mx, DType.FLOAT32, Shape.of(N, C));
                 DeviceTensor dt = DeviceTensor.wrap(mt, DType.INT64, Shape.of(N));
                 LossResult r = engine.computeGradientInPlace(ce, LossInputs.of("input", dx, "target", dt), "input")) {
                assertArrayEquals(wantLoss, r.output().toHost().floatData());
            }
            assertArrayEquals(wantGrad, read(mx, N * C));
        }
        // closing the views and the engine released none of the caller's objects
        assertEquals(1, referenceCount(mx));
        assertEquals(1, referenceCount(mt));
        clFinish(queue); // the queue and context still work
        assertArrayEquals(wantGrad, read(mx, N * C));
        clReleaseMemObject(mx);
        clReleaseMemObject(mt);
    }

    @Test
    void callsFollowTheCallersQueueOrder() {
        // the caller enqueues a write without waiting; losscl's call on the same in-order queue sees it
        int n = 4096;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.cos(i);
            y[i] = i % 3 == 0 ? 1 : 0;
        }
        cl_mem mx = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, (long) n * 4, Pointer.to(new float[n]), null);
        cl_mem my = buffer(y);
        java.nio.FloatBuffer xs = java.nio.ByteBuffer.allocateDirect(n * 4).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        xs.put(x).flip(); // a direct buffer: JOCL's non-blocking writes take no Java arrays
        clEnqueueWriteBuffer(queue, mx, CL_FALSE, 0, (long) n * 4, Pointer.to(xs), 0, null, null);
        BinaryCrossEntropyWithLogitsLoss bce = BinaryCrossEntropyWithLogitsLoss.builder().reduction(Reduction.SUM).build();
        try (LossEngine engine = LossEngine.onOpenCl(context, device, queue);
             DeviceTensor dx = DeviceTensor.wrap(mx, DType.FLOAT32, Shape.of(n));
             DeviceTensor dy = DeviceTensor.wrap(my, DType.FLOAT32, Shape.of(n));
             LossResult dev = engine.compute(bce, LossInputs.of("input", dx, "target", dy), "input");
             LossResult host = engine.compute(bce, LossInputs.of("input", HostTensor.of(x, n), "target", HostTensor.of(y, n)), "input")) {
            clFinish(queue);
            assertEquals(host.scalar(), dev.scalar());
            assertArrayEquals(host.grad("input").toHost().floatData(), dev.grad("input").toHost().floatData());
        }
        clReleaseMemObject(mx);
        clReleaseMemObject(my);
    }

    @Test
    void badHandlesAreInvalidArguments() {
        assertThrows(InvalidArgumentException.class, () -> LossEngine.onOpenCl(null, device, queue));
        cl_mem small = clCreateBuffer(context, CL_MEM_READ_WRITE, 16, null, null);
        try {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> DeviceTensor.wrap(small, DType.FLOAT32, Shape.of(5)));
            assertTrue(e.getMessage().contains("needs 20 bytes, the cl_mem has 16"), e.getMessage());
            // a view of a buffer of this context is not usable by an engine on another context
            try (LossEngine other = LossEngine.create(BackendKind.OPENCL); DeviceTensor v = DeviceTensor.wrap(small, DType.FLOAT32, Shape.of(4))) {
                e = assertThrows(InvalidArgumentException.class, () -> other.compute(io.losscl.loss.MseLoss.mean(),
                        LossInputs.of("input", v, "target", HostTensor.of(new float[4], 4))));
                assertTrue(e.getMessage().contains("a device tensor of another engine"), e.getMessage());
            }
        } finally {
            clReleaseMemObject(small);
        }
    }
}
