package io.losscl.opencl;

import io.losscl.ConfigurationException;
import java.util.List;
import java.util.Locale;

/**
 * How the kernels are launched on one device: one typed value per engine, resolved from {@link #TABLE}
 * (keyed by device type and vendor) and then from the caller's {@link Overrides}. Kernel classes read
 * launch choices from here only; nothing in this package reads system properties or the environment
 * (the documented properties are parsed into {@link Overrides} by {@code io.losscl.LaunchProperties}).
 *
 * <ul>
 *   <li>{@link #profile()}: which column of the table the device runs ({@code CPU} or {@code GPU}); a
 *       {@code GPU} profile on any device gives exactly a discrete GPU's launch (layout, work-group size,
 *       {@code FLOAT} precision, wide-row split, row modes)</li>
 *   <li>{@link #layout()}: how a streaming kernel's work-items divide the elements</li>
 *   <li>{@link #workGroupSize()}: a power of two (the tree reductions need one)</li>
 *   <li>{@link #groupsPerUnit()}: work-groups per compute unit for streaming kernels</li>
 *   <li>{@link #precision()}: the arithmetic of float32/float16/bfloat16 tensors (float64 tensors always
 *       compute in double)</li>
 *   <li>{@link #wideRowClasses()}, {@link #rowSlices()}: from how many classes a cross_entropy row gets a
 *       work-group, and how many work-groups a wide row is split across (0: chosen per call)</li>
 *   <li>{@link #rowMode()}, {@link #cosineRowMode()}, {@link #ctcSerial()}: the row-kernel variants</li>
 *   <li>{@link #lceChunkRows()}: rows per chunk of linear_cross_entropy (0: chosen per call)</li>
 * </ul>
 */
public final class LaunchConfig {
    /** Which device class's launch a device runs. */
    public enum Profile { CPU, GPU }

    /**
     * How a streaming kernel's work-items divide the elements: {@code CHUNKED}, one contiguous chunk per
     * work-item (CPU devices, where each work-item is a loop over a core's vector lanes), or
     * {@code STRIDED}, grid-stride (GPUs: neighbouring work-items read neighbouring elements, which coalesces).
     */
    public enum Layout { CHUNKED, STRIDED }

    /**
     * The arithmetic of non-float64 tensors. {@code FLOAT}: transcendentals and products in float, every sum
     * kept accurate by a compensated per-work-item sum and fixed work-group trees (GPUs: fp64 runs at 1/16 to
     * 1/64 of the fp32 rate, or not at all); every device's default. {@code DOUBLE}: math and sums in double
     * (needs {@code cl_khr_fp64}), on request.
     */
    public enum Precision { FLOAT, DOUBLE }

    /** A row-kernel variant: chosen per call by the shapes, or forced to one work-item / one work-group per row. */
    public enum RowMode { AUTO, ITEM, GROUP }

    /** One row of the table: a device type, a vendor substring ("" matches any) and the launch it gets. */
    private static final class Row {
        final DeviceInfo.Type type;
        final String vendor;
        final Profile profile;

        Row(DeviceInfo.Type type, String vendor, Profile profile) {
            this.type = type;
            this.vendor = vendor;
            this.profile = profile;
        }
    }

    /**
     * The launch table: the first row whose type matches and whose vendor is a substring of the device's
     * vendor (case-insensitive) gives the profile; {@link #defaults} gives each profile's settings. Add a
     * vendor row here when a vendor measurably needs other settings.
     */
    private static final List<Row> TABLE = List.of(
            new Row(DeviceInfo.Type.CPU, "", Profile.CPU),
            new Row(DeviceInfo.Type.GPU, "", Profile.GPU),
            new Row(DeviceInfo.Type.ACCELERATOR, "", Profile.GPU),
            new Row(DeviceInfo.Type.OTHER, "", Profile.GPU));

    private final Profile profile;
    private final Layout layout;
    private final int workGroupSize;
    private final int groupsPerUnit;
    private final Precision precision;
    private final long wideRowClasses;
    private final long rowSlices;
    private final RowMode rowMode;
    private final RowMode cosineRowMode;
    private final boolean ctcSerial;
    private final long lceChunkRows;
    private final int computeUnits;

    private LaunchConfig(Profile profile, Layout layout, int workGroupSize, int groupsPerUnit, Precision precision,
                         long wideRowClasses, long rowSlices, RowMode rowMode, RowMode cosineRowMode, boolean ctcSerial,
                         long lceChunkRows, int computeUnits) {
        this.profile = profile;
        this.layout = layout;
        this.workGroupSize = workGroupSize;
        this.groupsPerUnit = groupsPerUnit;
        this.precision = precision;
        this.wideRowClasses = wideRowClasses;
        this.rowSlices = rowSlices;
        this.rowMode = rowMode;
        this.cosineRowMode = cosineRowMode;
        this.ctcSerial = ctcSerial;
        this.lceChunkRows = lceChunkRows;
        this.computeUnits = computeUnits;
    }

    /** The table's profile for {@code d}. */
    static Profile tableProfile(DeviceInfo d) {
        String vendor = d.vendor().toLowerCase(Locale.ROOT);
        for (Row r : TABLE) {
            if (r.type == d.type() && vendor.contains(r.vendor.toLowerCase(Locale.ROOT))) return r.profile;
        }
        return Profile.GPU;
    }

    /**
     * The launch of {@code d}: the table's profile (or the overridden one), that profile's defaults, then
     * each overridden setting.
     *
     * @throws ConfigurationException when an overridden setting is impossible on this device
     */
    static LaunchConfig resolve(DeviceInfo d, Overrides o) {
        Profile profile = o.profile != null ? o.profile : tableProfile(d);
        boolean cpu = profile == Profile.CPU;
        // Defaults per profile. CPU: a work-item streams one contiguous chunk with explicit vectors. GPU:
        // grid-stride access, 256-wide work-groups. Both compute float tensors in FLOAT: on CPUs too it measured
        // faster or equal for every loss but binary_cross_entropy, whose CPU variant keeps its double
        // polynomials where the device has fp64 (OpenClContext.cpuDoubleMathPreferred; bench/README.md).
        Layout layout = cpu ? Layout.CHUNKED : Layout.STRIDED;
        int wgs = cpu ? 64 : 256;
        int perUnit = cpu ? 4 : 8;
        Precision precision = Precision.FLOAT;
        boolean ctcSerial = cpu;
        // The table's work-group size shrinks to the device's limit, staying a power of two.
        long max = Math.max(1, d.maxWorkGroupSize());
        while (wgs > max) wgs >>= 1;
        if (o.layout != null) layout = o.layout;
        if (o.workGroupSize != null) {
            if (o.workGroupSize > max) {
                throw Setting.WGS.invalid(o.workGroupSize, "a power of two from 1 to " + max + " (this device's maximum)");
            }
            wgs = o.workGroupSize;
        }
        if (o.groupsPerUnit != null) perUnit = o.groupsPerUnit;
        if (o.precision != null) {
            if (o.precision == Precision.DOUBLE && !d.hasFp64()) {
                throw Setting.PRECISION.invalid("double", "float (" + d.name() + " lacks cl_khr_fp64)");
            }
            precision = o.precision;
        }
        if (o.ctcSerial != null) ctcSerial = o.ctcSerial;
        return new LaunchConfig(profile, layout, wgs, perUnit, precision,
                o.wideRowClasses != null ? o.wideRowClasses : 256, o.rowSlices != null ? o.rowSlices : 0,
                o.rowMode != null ? o.rowMode : RowMode.AUTO, o.cosineRowMode != null ? o.cosineRowMode : RowMode.AUTO,
                ctcSerial, o.lceChunkRows != null ? o.lceChunkRows : 0, Math.max(1, d.computeUnits()));
    }

    public Profile profile() { return profile; }

    /** True for the CPU profile (a CPU device, or any device forced to the CPU launch). */
    public boolean cpu() { return profile == Profile.CPU; }

    public Layout layout() { return layout; }

    /** Work-group size for every kernel (a power of two). */
    public int workGroupSize() { return workGroupSize; }

    public int groupsPerUnit() { return groupsPerUnit; }

    public Precision precision() { return precision; }

    /** Classes from which a cross_entropy row gets a whole work-group (narrower: a work-item streams it). */
    public long wideRowClasses() { return wideRowClasses; }

    /** Work-groups a wide cross_entropy row is split across; 0: chosen per call to fill the device. */
    public long rowSlices() { return rowSlices; }

    /** rows.cl's variant: one work-item or one work-group per row, or {@code AUTO} by the shapes. */
    public RowMode rowMode() { return rowMode; }

    /** cosine_embedding_loss's variant, as {@link #rowMode()}. */
    public RowMode cosineRowMode() { return cosineRowMode; }

    /** ctc_loss: one work-item per sequence without barriers (true), or a work-group per sequence. */
    public boolean ctcSerial() { return ctcSerial; }

    /**
     * Rows per chunk of linear_cross_entropy's logits (device memory against launches per chunk); 0: chosen per
     * call (at most 1/32 of the logits, see {@code LinearCrossEntropyKernel}).
     */
    public long lceChunkRows() { return lceChunkRows; }

    /** The device's compute units (the launch size of streaming kernels scales with them). */
    public int computeUnits() { return computeUnits; }

    /**
     * Number of work-groups for a streaming pass over {@code n} elements: enough to fill the device,
     * few enough that each work-item has a long run of work; always at least one.
     */
    public int groupsFor(long n) {
        long minPerItem = layout == Layout.CHUNKED ? 4096 : 4;
        long wanted = (n + workGroupSize * minPerItem - 1) / (workGroupSize * minPerItem);
        return (int) Math.max(1, Math.min(wanted, (long) computeUnits * groupsPerUnit));
    }

    /** The {@code -D} options every program of this launch is built with (the precision is per dtype). */
    String buildOptions() {
        return "-DWGS=" + workGroupSize + " -DLAYOUT_CHUNKED=" + (layout == Layout.CHUNKED ? 1 : 0);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s profile: layout %s, work-group %d, %d groups per unit, precision %s, wide row %d classes"
                        + "%s, row mode %s, cosine %s, ctc %s", profile, layout, workGroupSize, groupsPerUnit, precision, wideRowClasses,
                rowSlices > 0 ? " (" + rowSlices + " slices)" : "", rowMode, cosineRowMode, ctcSerial ? "serial" : "work-group")
                + (lceChunkRows > 0 ? ", linear_cross_entropy chunks of " + lceChunkRows + " rows" : "");
    }

    /** No overrides: the table's launch for the device. */
    public static Overrides overrides() { return Overrides.NONE; }

    /**
     * The launch settings a caller overrides ({@code LossEngine.create(kind, device, overrides)}); every
     * unset one comes from the table. Immutable: each setter returns a copy. Values that are invalid on any
     * device throw {@link ConfigurationException} at once; those that depend on the device (a work-group size
     * above its maximum, {@code DOUBLE} without fp64) when the engine is created.
     */
    public static final class Overrides {
        static final Overrides NONE = new Overrides();

        private Profile profile;
        private Layout layout;
        private Integer workGroupSize;
        private Integer groupsPerUnit;
        private Precision precision;
        private Long wideRowClasses;
        private Long rowSlices;
        private RowMode rowMode;
        private RowMode cosineRowMode;
        private Boolean ctcSerial;
        private Long lceChunkRows;

        private Overrides() {}

        /** Each setting of {@code top}, or {@code base}'s where {@code top} leaves it unset. */
        private static Overrides merged(Overrides top, Overrides base) {
            Overrides c = new Overrides();
            c.profile = top.profile != null ? top.profile : base.profile;
            c.layout = top.layout != null ? top.layout : base.layout;
            c.workGroupSize = top.workGroupSize != null ? top.workGroupSize : base.workGroupSize;
            c.groupsPerUnit = top.groupsPerUnit != null ? top.groupsPerUnit : base.groupsPerUnit;
            c.precision = top.precision != null ? top.precision : base.precision;
            c.wideRowClasses = top.wideRowClasses != null ? top.wideRowClasses : base.wideRowClasses;
            c.rowSlices = top.rowSlices != null ? top.rowSlices : base.rowSlices;
            c.rowMode = top.rowMode != null ? top.rowMode : base.rowMode;
            c.cosineRowMode = top.cosineRowMode != null ? top.cosineRowMode : base.cosineRowMode;
            c.ctcSerial = top.ctcSerial != null ? top.ctcSerial : base.ctcSerial;
            c.lceChunkRows = top.lceChunkRows != null ? top.lceChunkRows : base.lceChunkRows;
            return c;
        }

        private Overrides copy() { return merged(this, NONE); }

        /** Runs the table's launch of {@code p} on whatever device (the other settings still override it). */
        public Overrides profile(Profile p) { Overrides c = copy(); c.profile = p; return c; }

        public Overrides layout(Layout l) { Overrides c = copy(); c.layout = l; return c; }

        /** A power of two, at most the device's maximum work-group size. */
        public Overrides workGroupSize(int wgs) {
            if (wgs < 1 || Integer.bitCount(wgs) != 1) throw Setting.WGS.invalid(wgs);
            Overrides c = copy();
            c.workGroupSize = wgs;
            return c;
        }

        /** At least 1. */
        public Overrides groupsPerUnit(int n) { Overrides c = copy(); c.groupsPerUnit = (int) atLeastOne(Setting.GROUPS_PER_UNIT, n); return c; }

        public Overrides precision(Precision p) { Overrides c = copy(); c.precision = p; return c; }

        /** At least 1. */
        public Overrides wideRowClasses(long classes) { Overrides c = copy(); c.wideRowClasses = atLeastOne(Setting.WIDE_ROW, classes); return c; }

        /** At least 1 (forces the slice count of a wide row; tests). */
        public Overrides rowSlices(long slices) { Overrides c = copy(); c.rowSlices = atLeastOne(Setting.ROW_SLICES, slices); return c; }

        private static long atLeastOne(Setting s, long v) {
            if (v < 1) throw s.invalid(v);
            return v;
        }

        public Overrides rowMode(RowMode m) { Overrides c = copy(); c.rowMode = m; return c; }

        public Overrides cosineRowMode(RowMode m) { Overrides c = copy(); c.cosineRowMode = m; return c; }

        public Overrides ctcSerial(boolean serial) { Overrides c = copy(); c.ctcSerial = serial; return c; }

        /** At least 1: linear_cross_entropy's rows per chunk (fewer rows, less device memory, more launches). */
        public Overrides lceChunkRows(long rows) { Overrides c = copy(); c.lceChunkRows = atLeastOne(Setting.LCE_CHUNK_ROWS, rows); return c; }

        /** These overrides, with every setting this leaves unset taken from {@code base}. */
        public Overrides orElse(Overrides base) { return merged(this, base); }
    }

    /**
     * Every launch setting: its name in {@link Overrides}, its system property, and its valid values. The
     * one list {@code io.losscl.LaunchProperties} parses and every configuration error names.
     */
    public enum Setting {
        PROFILE("profile", "losscl.profile", "cpu, gpu"),
        LAYOUT("layout", "losscl.layout", "chunked, strided"),
        WGS("workGroupSize", "losscl.wgs", "a power of two (1, 2, 4, ... up to the device's maximum)"),
        GROUPS_PER_UNIT("groupsPerUnit", "losscl.groupsPerUnit", "an integer >= 1"),
        PRECISION("precision", "losscl.precision", "float, double"),
        WIDE_ROW("wideRowClasses", "losscl.wideRow", "an integer >= 1"),
        ROW_SLICES("rowSlices", "losscl.rowSlices", "an integer >= 1"),
        ROW_MODE("rowMode", "losscl.rowMode", "auto, item, group"),
        COSINE_ROW_MODE("cosineRowMode", "losscl.cosine.rowPerItem", "true (a work-item per row), false (a work-group per row)"),
        CTC_SERIAL("ctcSerial", "losscl.ctc.serial", "true, false"),
        LCE_CHUNK_ROWS("lceChunkRows", "losscl.lce.chunkRows", "an integer >= 1");

        private final String option;
        private final String property;
        private final String valid;

        Setting(String option, String property, String valid) {
            this.option = option;
            this.property = property;
            this.valid = valid;
        }

        public String option() { return option; }

        public String property() { return property; }

        public String validValues() { return valid; }

        /** The configuration error for {@code value}: names the setting, its property and the valid values. */
        public ConfigurationException invalid(Object value, String validHere) {
            return new ConfigurationException("launch setting " + option + " (" + property + ") is '" + value
                    + "'; valid values: " + validHere);
        }

        /** As {@link #invalid(Object, String)} with the setting's own list of valid values. */
        public ConfigurationException invalid(Object value) { return invalid(value, valid); }
    }
}
