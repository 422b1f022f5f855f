package io.losscl.opencl;

import static org.jocl.CL.*;

import io.losscl.DeviceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * Programs built once per (source files, build options) and kept for the context's life, with their
 * kernels. A failed build raises a {@link DeviceException} carrying the options and the build log.
 * Callers hold the context's lock: kernels are not shared between threads.
 */
final class ProgramCache implements AutoCloseable {
    private final cl_context context;
    private final cl_device_id device;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();

    ProgramCache(cl_context context, cl_device_id device) {
        this.context = context;
        this.device = device;
    }

    /** The kernel {@code name} of the program made of {@code stems} built with {@code options}. */
    synchronized cl_kernel kernel(List<String> stems, String options, String name) {
        String programKey = String.join("+", stems) + " " + options;
        String kernelKey = programKey + " :: " + name;
        cl_kernel k = kernels.get(kernelKey);
        if (k != null) return k;
        cl_program p = programs.computeIfAbsent(programKey, key -> build(stems, options));
        k = ClCalls.call("clCreateKernel(" + name + ") in " + stems, () -> clCreateKernel(p, name, null));
        kernels.put(kernelKey, k);
        return k;
    }

    private cl_program build(List<String> stems, String options) {
        String source = KernelSources.program(stems);
        cl_program p = ClCalls.call("clCreateProgramWithSource " + stems,
                () -> clCreateProgramWithSource(context, 1, new String[] {source}, null, null));
        try {
            ClCalls.faultPoint("clBuildProgram " + stems);
            clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw new DeviceException("clBuildProgram of " + stems + " with options '" + options + "' failed: "
                    + org.jocl.CL.stringFor_errorCode(e.getStatus()) + "\nbuild log:\n" + log, e);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] buf = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
            return new String(buf, java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (CLException e) {
            return "(build log unavailable: " + e.getMessage() + ")";
        }
    }

    /** Number of programs built so far. */
    synchronized int programCount() { return programs.size(); }

    @Override
    public synchronized void close() {
        List<Runnable> releases = new ArrayList<>();
        kernels.values().forEach(k -> releases.add(() -> clReleaseKernel(k)));
        programs.values().forEach(p -> releases.add(() -> clReleaseProgram(p)));
        releases.forEach(Runnable::run);
        kernels.clear();
        programs.clear();
    }
}
