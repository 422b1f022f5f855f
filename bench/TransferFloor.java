import static org.jocl.CL.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jocl.*;

/**
 * What an upload costs on the first OpenCL device, with plain JOCL: an empty kernel and a 4-byte blocking read
 * after (a) a staged non-blocking write (the GPU path), (b) a blocking write straight from the array, (c) a copy
 * into a CL_MEM_USE_HOST_PTR buffer the device reads in place (the host-backed path of a CPU device).
 * {@code java -cp target/losscl.jar bench/TransferFloor.java 16384} (bytes; medians of 3000 in µs)
 */
public class TransferFloor {
    interface Body { void run(); }

    static double median(Body b) {
        for (int i = 0; i < 3000; i++) b.run();
        double[] t = new double[3000];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            b.run();
            t[i] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    public static void main(String[] args) {
        int bytes = Integer.parseInt(args[0]);
        setExceptionsEnabled(true);
        cl_platform_id[] p = new cl_platform_id[1];
        clGetPlatformIDs(1, p, null);
        cl_device_id[] d = new cl_device_id[1];
        clGetDeviceIDs(p[0], CL_DEVICE_TYPE_ALL, 1, d, null);
        cl_context ctx = clCreateContext(null, 1, d, null, null, null);
        @SuppressWarnings("deprecation")
        cl_command_queue q = clCreateCommandQueue(ctx, d[0], 0, null);
        cl_program pr = clCreateProgramWithSource(ctx, 1,
                new String[] {"kernel void e(global float* r, global const float* x) { if (get_global_id(0) == 0) r[0] = x[0]; }"}, null, null);
        clBuildProgram(pr, 0, null, null, null, null);
        cl_kernel k = clCreateKernel(pr, "e", null);
        float[] array = new float[bytes / 4];
        for (int i = 0; i < array.length; i++) array[i] = i;
        ByteBuffer stage = ByteBuffer.allocateDirect(bytes + 4096).alignedSlice(4096).order(ByteOrder.nativeOrder());
        cl_mem device = clCreateBuffer(ctx, CL_MEM_READ_WRITE, bytes, null, null);
        cl_mem hostBacked = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, bytes, Pointer.to(stage), null);
        cl_mem result = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 4, null, null);
        float[] four = new float[1];
        Body launchAndRead = () -> {
            clEnqueueNDRangeKernel(q, k, 1, null, new long[] {1}, null, 0, null, null);
            clEnqueueReadBuffer(q, result, CL_TRUE, 0, 4, Pointer.to(four), 0, null, null);
        };
        clSetKernelArg(k, 0, Sizeof.cl_mem, Pointer.to(result));
        clSetKernelArg(k, 1, Sizeof.cl_mem, Pointer.to(device));
        System.out.printf("%d bytes on %s%n", bytes, d[0]);
        System.out.printf("empty kernel + read            %7.1f us%n", median(launchAndRead));
        System.out.printf("staged non-blocking write + .. %7.1f us%n", median(() -> {
            stage.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer().put(array);
            clEnqueueWriteBuffer(q, device, CL_FALSE, 0, bytes, Pointer.to(stage), 0, null, null);
            launchAndRead.run();
        }));
        System.out.printf("blocking write from array + .. %7.1f us%n", median(() -> {
            clEnqueueWriteBuffer(q, device, CL_TRUE, 0, bytes, Pointer.to(array), 0, null, null);
            launchAndRead.run();
        }));
        clSetKernelArg(k, 1, Sizeof.cl_mem, Pointer.to(hostBacked));
        System.out.printf("copy into host-backed + ..     %7.1f us%n", median(() -> {
            stage.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer().put(array);
            launchAndRead.run();
        }));
        clReleaseMemObject(hostBacked);
        clReleaseMemObject(device);
        clReleaseMemObject(result);
        clReleaseKernel(k);
        clReleaseProgram(pr);
        clReleaseCommandQueue(q);
        clReleaseContext(ctx);
    }
}
