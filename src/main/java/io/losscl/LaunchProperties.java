package io.losscl;

import io.losscl.opencl.LaunchConfig;
import io.losscl.opencl.LaunchConfig.Overrides;
import io.losscl.opencl.LaunchConfig.Setting;
import java.util.Locale;
import java.util.function.Function;

/**
 * The one place where launch settings are read from system properties (and {@code LOSSCL_PROFILE} from the
 * environment): each property of {@link Setting} becomes the matching {@link Overrides} setting. An
 * unparsable or out-of-range value is a {@link ConfigurationException} naming the property and its valid
 * values, raised when the engine is created.
 */
final class LaunchProperties {
    private LaunchProperties() {}

    /** The overrides given by system properties ({@code losscl.profile} falls back to {@code LOSSCL_PROFILE}). */
    static Overrides read() { return read(System::getProperty, System::getenv); }

    /** As {@link #read()}, from {@code properties} and {@code environment} lookups (tests pass maps). */
    static Overrides read(Function<String, String> properties, Function<String, String> environment) {
        Overrides o = LaunchConfig.overrides();
        Function<Setting, String> value = s -> blankToNull(properties.apply(s.property()));
        String profile = value.apply(Setting.PROFILE);
        if (profile == null) profile = blankToNull(environment.apply("LOSSCL_PROFILE"));
        if (profile != null) o = o.profile(parseEnum(Setting.PROFILE, profile, LaunchConfig.Profile.class));
        String v;
        if ((v = value.apply(Setting.LAYOUT)) != null) o = o.layout(parseEnum(Setting.LAYOUT, v, LaunchConfig.Layout.class));
        if ((v = value.apply(Setting.WGS)) != null) o = o.workGroupSize(parseInt(Setting.WGS, v));
        if ((v = value.apply(Setting.GROUPS_PER_UNIT)) != null) o = o.groupsPerUnit(parseInt(Setting.GROUPS_PER_UNIT, v));
        if ((v = value.apply(Setting.PRECISION)) != null) o = o.precision(parseEnum(Setting.PRECISION, v, LaunchConfig.Precision.class));
        if ((v = value.apply(Setting.WIDE_ROW)) != null) o = o.wideRowClasses(parseInt(Setting.WIDE_ROW, v));
        if ((v = value.apply(Setting.ROW_SLICES)) != null) o = o.rowSlices(parseInt(Setting.ROW_SLICES, v));
        if ((v = value.apply(Setting.ROW_MODE)) != null) o = o.rowMode(parseEnum(Setting.ROW_MODE, v, LaunchConfig.RowMode.class));
        if ((v = value.apply(Setting.COSINE_ROW_MODE)) != null) {
            o = o.cosineRowMode(parseBoolean(Setting.COSINE_ROW_MODE, v) ? LaunchConfig.RowMode.ITEM : LaunchConfig.RowMode.GROUP);
        }
        if ((v = value.apply(Setting.CTC_SERIAL)) != null) o = o.ctcSerial(parseBoolean(Setting.CTC_SERIAL, v));
        if ((v = value.apply(Setting.LCE_CHUNK_ROWS)) != null) o = o.lceChunkRows(parseLong(Setting.LCE_CHUNK_ROWS, v));
        return o;
    }

    private static String blankToNull(String v) { return v == null || v.isBlank() ? null : v.trim(); }

    private static <E extends Enum<E>> E parseEnum(Setting s, String v, Class<E> type) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw s.invalid(v);
        }
    }

    private static int parseInt(Setting s, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw s.invalid(v);
        }
    }

    private static long parseLong(Setting s, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw s.invalid(v);
        }
    }

    private static boolean parseBoolean(Setting s, String v) {
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw s.invalid(v);
    }
}
