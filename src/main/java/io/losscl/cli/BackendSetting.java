package io.losscl.cli;

import io.losscl.BackendKind;

/**
 * The README's backend setting ({@code -Dlosscl.backend} / {@code LOSSCL_BACKEND}) as every command
 * reads it: a command's {@code --backend} flag wins, then the setting, then {@code auto}. A value
 * other than auto, opencl or java is an error in every command, never ignored.
 */
final class BackendSetting {
    static final String VALUES = "auto, opencl or java";

    private BackendSetting() {}

    /** A bad backend name, from a flag or the setting. */
    static final class BadValueException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadValueException(String message) { super(message); }
    }

    /** The configured backend, or {@code null} when the setting is absent. */
    static BackendKind configured() {
        String v = System.getProperty("losscl.backend");
        String name = "-Dlosscl.backend";
        if (v == null || v.isBlank()) {
            v = System.getenv("LOSSCL_BACKEND");
            name = "LOSSCL_BACKEND";
        }
        if (v == null || v.isBlank()) return null;
        return parse(name, v.trim());
    }

    /** {@code value} of {@code what} (a flag or setting name) as a backend; a {@link BadValueException} when unknown. */
    static BackendKind parse(String what, String value) {
        BackendKind k = BackendKind.parse(value);
        if (k == null) {
            throw new BadValueException(what + " is '" + value + "'; expected " + VALUES
                    + Suggest.didYouMean(value.toLowerCase(java.util.Locale.ROOT), java.util.List.of("auto", "opencl", "java")));
        }
        return k;
    }

    /** The flag's value if given, else the setting, else {@code auto}. */
    static BackendKind resolve(BackendKind flag) {
        if (flag != null) return flag;
        BackendKind k = configured();
        return k == null ? BackendKind.AUTO : k;
    }
}
