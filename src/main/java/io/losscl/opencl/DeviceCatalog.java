package io.losscl.opencl;

import static org.jocl.CL.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** The OpenCL platforms and devices of this machine, and which one {@code AUTO} picks. */
public final class DeviceCatalog {
    private final List<DeviceInfo> devices;
    private final String problem;

    private DeviceCatalog(List<DeviceInfo> devices, String problem) {
        this.devices = Collections.unmodifiableList(devices);
        this.problem = problem;
    }

    /** Scans the installed OpenCL platforms; never throws: a failure is reported by {@link #problem()}. */
    public static DeviceCatalog scan() {
        List<DeviceInfo> found = new ArrayList<>();
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                int[] n = new int[1];
                try {
                    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND: a platform with no devices
                }
                cl_device_id[] ids = new cl_device_id[n[0]];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                for (cl_device_id d : ids) found.add(new DeviceInfo(found.size(), p, d));
            }
            return new DeviceCatalog(found, found.isEmpty() ? "no OpenCL device found on any platform" : null);
        } catch (UnsatisfiedLinkError e) {
            return new DeviceCatalog(found, "the OpenCL runtime could not be loaded (" + e.getMessage()
                    + "); install an OpenCL ICD loader and driver, e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd");
        } catch (CLException e) {
            return new DeviceCatalog(found, "no OpenCL platform found (" + e.getMessage()
                    + "); install an OpenCL driver, e.g. apt-get install pocl-opencl-icd");
        }
    }

    /** Every device found, in listing order. */
    public List<DeviceInfo> devices() { return devices; }

    /** Why no device was found, or {@code null}. */
    public String problem() { return problem; }

    /** The best device: GPU, then accelerator, then CPU; the most compute units within a type. */
    public DeviceInfo best() {
        return devices.stream()
                .min(Comparator.comparing(DeviceInfo::type).thenComparing(d -> -d.computeUnits()))
                .orElse(null);
    }

    /**
     * The device chosen by {@code selector}: an index from the listing, or a case-insensitive
     * substring of the device or platform name; {@code null} or blank picks {@link #best()}.
     *
     * @return the device, or {@code null} when nothing matches
     */
    public DeviceInfo select(String selector) {
        if (selector == null || selector.isBlank()) return best();
        String s = selector.trim();
        if (s.matches("\\d+")) {
            int i = Integer.parseInt(s);
            return i < devices.size() ? devices.get(i) : null;
        }
        String needle = s.toLowerCase(Locale.ROOT);
        return devices.stream()
                .filter(d -> d.name().toLowerCase(Locale.ROOT).contains(needle) || d.platformName().toLowerCase(Locale.ROOT).contains(needle))
                .min(Comparator.comparing(DeviceInfo::type))
                .orElse(null);
    }
}
