package io.losscl.opencl;

import static org.jocl.CL.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jocl.Pointer;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** What losscl needs to know of one OpenCL device, read once at discovery. */
public final class DeviceInfo {
    /** Device types in the order {@code AUTO} prefers them. */
    public enum Type {
        /** {@code CL_DEVICE_TYPE_GPU}. */
        GPU,
        /** {@code CL_DEVICE_TYPE_ACCELERATOR}. */
        ACCELERATOR,
        /** {@code CL_DEVICE_TYPE_CPU}. */
        CPU,
        /** Any other type. */
        OTHER
    }

    final cl_platform_id platform;
    final cl_device_id device;
    private final int index;
    private final String name;
    private final String platformName;
    private final String version;
    private final Type type;
    private final long maxWorkGroupSize;
    private final int computeUnits;
    private final long globalMemBytes;
    private final long localMemBytes;
    private final boolean fp64;
    private final boolean fp16;

    DeviceInfo(int index, cl_platform_id platform, cl_device_id device) {
        this.index = index;
        this.platform = platform;
        this.device = device;
        this.platformName = platformString(platform, CL_PLATFORM_NAME);
        this.name = deviceString(device, CL_DEVICE_NAME);
        this.version = deviceString(device, CL_DEVICE_VERSION);
        long t = deviceLong(device, CL_DEVICE_TYPE, 8);
        this.type = (t & CL_DEVICE_TYPE_GPU) != 0 ? Type.GPU
                : (t & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? Type.ACCELERATOR
                : (t & CL_DEVICE_TYPE_CPU) != 0 ? Type.CPU : Type.OTHER;
        this.maxWorkGroupSize = deviceLong(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, 8);
        this.computeUnits = (int) deviceLong(device, CL_DEVICE_MAX_COMPUTE_UNITS, 4);
        this.globalMemBytes = deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE, 8);
        this.localMemBytes = deviceLong(device, CL_DEVICE_LOCAL_MEM_SIZE, 8);
        String ext = deviceString(device, CL_DEVICE_EXTENSIONS);
        this.fp64 = ext.contains("cl_khr_fp64");
        this.fp16 = ext.contains("cl_khr_fp16");
    }

    /** Position in {@code losscl devices}' listing, usable as {@code losscl.device}. */
    public int index() { return index; }
    /** The device's name. */
    public String name() { return name; }
    /** The name of the device's platform. */
    public String platformName() { return platformName; }
    /** The device's OpenCL version string. */
    public String version() { return version; }
    /** GPU, accelerator, CPU or other. */
    public Type type() { return type; }
    /** {@code CL_DEVICE_MAX_WORK_GROUP_SIZE}. */
    public long maxWorkGroupSize() { return maxWorkGroupSize; }
    /** {@code CL_DEVICE_MAX_COMPUTE_UNITS}. */
    public int computeUnits() { return computeUnits; }
    /** {@code CL_DEVICE_GLOBAL_MEM_SIZE} in bytes. */
    public long globalMemBytes() { return globalMemBytes; }
    /** {@code CL_DEVICE_LOCAL_MEM_SIZE} in bytes. */
    public long localMemBytes() { return localMemBytes; }
    /** True when the device has {@code cl_khr_fp64}: kernels then accumulate in double. */
    public boolean hasFp64() { return fp64; }
    /** Whether the device has {@code cl_khr_fp16}. */
    public boolean hasFp16() { return fp16; }

    @Override
    public String toString() {
        return String.format("#%d %s [%s, %s, %d compute units, max work-group %d, %d MiB, fp64 %s]",
                index, name, platformName, type, computeUnits, maxWorkGroupSize, globalMemBytes >> 20, fp64 ? "yes" : "no");
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    private static long deviceLong(cl_device_id d, int param, int bytes) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        clGetDeviceInfo(d, param, bytes, Pointer.to(b), null);
        return bytes == 4 ? b.getInt(0) & 0xffffffffL : b.getLong(0);
    }

    private static String cString(byte[] buf) {
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
