package io.losscl;

import io.losscl.opencl.DeviceCatalog;
import io.losscl.opencl.DeviceInfo;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether the OpenCL tests can run here. With {@code LOSSCL_TEST_REQUIRE_OPENCL=1} or {@code -Dlosscl.test.requireOpenCL=true} (CI) a missing
 * device fails them; otherwise they are skipped, and the suite says so loudly once.
 */
public final class OpenClSupport {
    private static final DeviceCatalog CATALOG = DeviceCatalog.scan();
    private static final boolean REQUIRED = Boolean.getBoolean("losscl.test.requireOpenCL")
            || "1".equals(System.getenv("LOSSCL_TEST_REQUIRE_OPENCL"));

    static {
        DeviceInfo best = CATALOG.best();
        if (best == null) {
            System.err.println("\n*** losscl tests: NO OpenCL device (" + CATALOG.problem() + ")"
                    + (REQUIRED ? " -- OpenCL tests are REQUIRED and will FAIL" : " -- OpenCL tests are SKIPPED; only the Java reference is tested") + " ***\n");
        } else {
            System.err.println("\n*** losscl tests: OpenCL tests run on " + best + " ***\n");
        }
    }

    private OpenClSupport() {}

    /** True when an OpenCL device exists. */
    public static boolean available() { return CATALOG.best() != null; }

    /** Skips (or, when required, fails) the calling test when there is no OpenCL device. */
    public static void assume() {
        if (available()) return;
        if (REQUIRED) Assertions.fail("OpenCL is required (-Dlosscl.test.requireOpenCL=true) but unavailable: " + CATALOG.problem());
        Assumptions.abort("OpenCL tests skipped: " + CATALOG.problem());
    }
}
