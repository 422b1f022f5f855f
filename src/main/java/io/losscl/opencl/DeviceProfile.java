package io.losscl.opencl;

/**
 * Launch defaults per device type, overridable by system properties. On a CPU device (POCL) each
 * work-item must stream one contiguous chunk (neighbouring work-items reading neighbouring elements
 * ran ~50x slower there); on a GPU the opposite, grid-stride access, coalesces.
 *
 * <ul>
 *   <li>{@code losscl.wgs}: work-group size (a power of two, at most the device's limit)</li>
 *   <li>{@code losscl.layout}: {@code chunked} or {@code strided}</li>
 *   <li>{@code losscl.groupsPerUnit}: work-groups launched per compute unit for streaming kernels</li>
 * </ul>
 */
public final class DeviceProfile {
    /** How a streaming kernel's work-items divide the elements. */
    public enum Layout {
        /** Each work-item takes a contiguous chunk (CPUs: one core streams its own range). */
        CHUNKED,
        /** Grid-stride access (GPUs: neighbouring work-items read neighbouring elements). */
        STRIDED
    }

    private final int workGroupSize;
    private final Layout layout;
    private final int groupsPerUnit;
    private final int computeUnits;

    private DeviceProfile(int workGroupSize, Layout layout, int groupsPerUnit, int computeUnits) {
        this.workGroupSize = workGroupSize;
        this.layout = layout;
        this.groupsPerUnit = groupsPerUnit;
        this.computeUnits = computeUnits;
    }

    /** The defaults table, then any system-property overrides. */
    static DeviceProfile forDevice(DeviceInfo d) {
        boolean cpu = d.type() == DeviceInfo.Type.CPU;
        int wgs = cpu ? 64 : 256;
        Layout layout = cpu ? Layout.CHUNKED : Layout.STRIDED;
        int perUnit = cpu ? 4 : 8;
        wgs = Integer.getInteger("losscl.wgs", wgs);
        String l = System.getProperty("losscl.layout");
        if (l != null) layout = Layout.valueOf(l.trim().toUpperCase(java.util.Locale.ROOT));
        perUnit = Integer.getInteger("losscl.groupsPerUnit", perUnit);
        // Clamp to the device's limit, keeping a power of two (the tree reductions need one).
        long max = Math.max(1, d.maxWorkGroupSize());
        while (wgs > max) wgs >>= 1;
        if (Integer.bitCount(wgs) != 1) throw new IllegalArgumentException("losscl.wgs must be a power of two, got " + wgs);
        return new DeviceProfile(wgs, layout, Math.max(1, perUnit), Math.max(1, d.computeUnits()));
    }

    /** Work-group size for every kernel (a power of two). */
    public int workGroupSize() { return workGroupSize; }

    /** How streaming kernels divide the elements. */
    public Layout layout() { return layout; }

    /**
     * Number of work-groups for a streaming pass over {@code n} elements: enough to fill the device,
     * few enough that each work-item has a long run of work; always at least one.
     */
    public int groupsFor(long n) {
        long minPerItem = layout == Layout.CHUNKED ? 4096 : 4;
        long wanted = (n + workGroupSize * minPerItem - 1) / (workGroupSize * minPerItem);
        return (int) Math.max(1, Math.min(wanted, (long) computeUnits * groupsPerUnit));
    }

    /** The {@code -D} options every program of this device is built with. */
    String buildOptions() {
        return "-DWGS=" + workGroupSize + " -DLAYOUT_CHUNKED=" + (layout == Layout.CHUNKED ? 1 : 0);
    }
}
