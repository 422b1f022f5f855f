package io.losscl.cli;

import io.losscl.opencl.DeviceCatalog;
import io.losscl.opencl.DeviceInfo;
import java.io.PrintStream;

/** {@code losscl devices}: the OpenCL devices found and which one {@code AUTO} picks, or why none. */
final class DevicesCommand {
    private DevicesCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0) {
            err.println("losscl devices: unexpected argument '" + args[0] + "'\nusage: losscl devices");
            return 2;
        }
        io.losscl.BackendKind setting = BackendSetting.configured();
        if (setting != null) out.println("Backend setting (losscl.backend / LOSSCL_BACKEND): " + setting.name().toLowerCase(java.util.Locale.ROOT));
        DeviceCatalog catalog = DeviceCatalog.scan();
        if (catalog.devices().isEmpty()) {
            out.println("No OpenCL device: " + catalog.problem());
            out.println(setting == io.losscl.BackendKind.OPENCL
                    ? "The backend setting is opencl: the other commands will report the backend as unavailable."
                    : "AUTO uses the Java reference backend.");
            return 0;
        }
        out.println("OpenCL devices:");
        for (DeviceInfo d : catalog.devices()) out.println("  " + d + "  OpenCL: " + d.version());
        DeviceInfo best = catalog.best();
        out.println("AUTO picks #" + best.index() + " " + best.name()
                + " (GPU first, then accelerator, then CPU; override with -Dlosscl.device=INDEX|NAME or LOSSCL_DEVICE)");
        return 0;
    }
}
