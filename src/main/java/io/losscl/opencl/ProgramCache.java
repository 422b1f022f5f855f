package io.losscl.opencl;

import static org.jocl.CL.*;

import io.losscl.DeviceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs built once per (source files, build options) and kept for the context's life, with their
 * kernels; across processes, through the {@link ProgramStore} (a binary found there is loaded instead of
 * compiling the source; one the driver refuses is discarded and the source compiled). A failed build
 * raises a {@link DeviceException} carrying the options and the build log. Callers hold the context's
 * lock: kernels are not shared between threads.
 */
final class ProgramCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgramCache.class);
    private final cl_context context;
    private final cl_device_id device;
    private final Map<ProgramKey, cl_program> programs = new HashMap<>();
    private final Map<KernelKey, cl_kernel> kernels = new HashMap<>();

    /** A program: its source files and build options (a record: a call's lookup builds no key string). */
    private record ProgramKey(List<String> stems, String options) {}

    private record KernelKey(List<String> stems, String options, String name) {}

    /** Bootstraps the keys' record methods (a fresh JVM's first record {@code hashCode} loads ~40 classes): {@link ClassPreload}. */
    static void preload() {
        new KernelKey(List.of(), "", "").hashCode();
        new ProgramKey(List.of(), "").equals(new ProgramKey(List.of(), ""));
    }
    private final ProgramStore store;
    private int sourceBuilds;
    private int binaryLoads;

    ProgramCache(cl_context context, cl_device_id device, ProgramStore store) {
        this.context = context;
        this.device = device;
        this.store = store;
    }

    /**
     * Every clBuildProgram of the process, one at a time: POCL's own kernel cache races on its temporary files
     * when two programs build at once ("unable to rename temporary ... preproc.cl": a failed build), as two
     * engines or the sub-devices of a MultiDeviceBackend do from their threads. A build happens once per program.
     */
    private static final Object BUILDS = new Object();

    /** The kernel {@code name} of the program made of {@code stems} built with {@code options}. */
    synchronized cl_kernel kernel(List<String> stems, String options, String name) {
        KernelKey kernelKey = new KernelKey(stems, options, name);
        cl_kernel k = kernels.get(kernelKey);
        if (k != null) return k;
        ProgramKey programKey = new ProgramKey(stems, options);
        cl_program p = programs.get(programKey);
        if (p == null) {
            p = build(stems, options);
            programs.put(programKey, p);
        }
        try {
            if (ClCalls.hooked()) ClCalls.faultPoint("clCreateKernel(" + name + ") in " + stems);
            k = clCreateKernel(p, name, null);
        } catch (CLException e) {
            throw ClCalls.failure("clCreateKernel(" + name + ") in " + stems, e);
        }
        kernels.put(kernelKey, k);
        return k;
    }

    private cl_program build(List<String> stems, String options) {
        String key = store.enabled() ? store.key(stems, options) : null;
        byte[] binary = key == null ? null : store.load(key);
        if (binary != null) {
            long t0 = System.nanoTime();
            cl_program p = fromBinary(binary, options);
            if (p != null) {
                binaryLoads++;
                if (LOG.isDebugEnabled()) LOG.debug("Program {} built from its stored binary in {} ms", stems, (System.nanoTime() - t0) / 1_000_000);
                return p;
            }
            LOG.warn("Program cache: the driver refused the stored binary of {}; compiling from source", stems);
            store.discard(key);
        }
        long t0 = System.nanoTime();
        cl_program p = fromSource(stems, options, KernelSources.program(stems));
        sourceBuilds++;
        if (LOG.isDebugEnabled()) LOG.debug("Program {} compiled from source in {} ms", stems, (System.nanoTime() - t0) / 1_000_000);
        // Stored on this thread, right after the build: fetching a binary can take as long as the build (POCL
        // compiles every kernel of the program for it), but it happens once per program and machine, and OpenCL
        // calls from a second thread crashed POCL 3.1 (pocl_release_dlhandle_cache) and Oclgrind.
        if (key != null) store.save(key, binaryOf(p));
        return p;
    }

    /** A program made from a stored binary and built, or {@code null} when the driver does not take it. */
    private cl_program fromBinary(byte[] binary, String options) {
        cl_program p;
        try {
            int[] status = new int[1];
            p = clCreateProgramWithBinary(context, 1, new cl_device_id[] {device}, new long[] {binary.length},
                    new byte[][] {binary}, status, null);
            if (status[0] != CL_SUCCESS) {
                clReleaseProgram(p);
                return null;
            }
        } catch (CLException e) {
            return null;
        }
        try {
            synchronized (BUILDS) { clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null); }
            return p;
        } catch (CLException e) {
            clReleaseProgram(p);
            return null;
        }
    }

    /** The device binary of a built program (empty when the driver gives none). */
    private byte[] binaryOf(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
            byte[] binary = new byte[(int) size[0]];
            if (binary.length > 0) {
                clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(new Pointer[] {Pointer.to(binary)}), null);
            }
            return binary;
        } catch (CLException e) {
            LOG.debug("Program cache: the driver gives no binary ({})", e.getMessage());
            return new byte[0];
        }
    }

    /** Builds of one program before a failure is reported: see {@link #transientCacheFailure}. */
    private static final int BUILD_TRIES = 3;

    private cl_program fromSource(List<String> stems, String options, String source) {
        for (int attempt = 1; ; attempt++) {
            cl_program p = ClCalls.call("clCreateProgramWithSource " + stems,
                    () -> clCreateProgramWithSource(context, 1, new String[] {source}, null, null));
            try {
                ClCalls.faultPoint("clBuildProgram " + stems);
                synchronized (BUILDS) { clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null); }
                return p;
            } catch (CLException e) {
                String log = buildLog(p);
                clReleaseProgram(p);
                if (attempt < BUILD_TRIES && transientCacheFailure(log)) {
                    LOG.debug("clBuildProgram of {}: POCL's kernel cache lost a temporary file, building again ({})", stems, log.trim());
                    continue;
                }
                throw new DeviceException("clBuildProgram of " + stems + " with options '" + options + "' failed: "
                        + org.jocl.CL.stringFor_errorCode(e.getStatus()) + "\nbuild log:\n" + log, e);
            }
        }
    }

    /**
     * A build that failed only because POCL's kernel cache lost one of its temporary files ("unable to rename
     * temporary ... preproc.cl"): it happens when another thread of the process uses the same cache at that moment
     * (seen with the sub-devices of a MultiDeviceBackend, even with builds serialised), and the same build then
     * succeeds. Any other failure is the source's or the driver's and is reported at once.
     */
    static boolean transientCacheFailure(String buildLog) {
        return buildLog.contains("unable to rename temporary") && buildLog.contains("kcache");
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

    /** Programs compiled from source so far. */
    synchronized int sourceBuilds() { return sourceBuilds; }

    /** Programs loaded from the {@link ProgramStore} so far. */
    synchronized int binaryLoads() { return binaryLoads; }

    /** Releases every program and kernel. */
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
