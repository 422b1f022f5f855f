package io.losscl.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** The {@code losscl} command line: {@code eval}, {@code devices}, {@code demo}. */
public final class Main {
    private Main() {}

    private static final String USAGE = String.join("\n",
            "usage: losscl COMMAND [ARGS]",
            "  eval [--backend auto|opencl|java] [FILE|-]   answer loss cases given as JSON (see the eval protocol)",
            "  devices                                      list OpenCL devices and the one AUTO picks",
            "  demo [--backend auto|opencl|java]            the classification-loss walkthrough, cross-checked",
            "  conformance [--backend B] FIXTURE.jsonl...   run golden fixtures through eval and check them",
            "  bench [--filter RE] [--repeats N] [--json FILE] [--peers] [--java]   time the suite (see bench/README.md)",
            "Backend and device: -Dlosscl.backend / LOSSCL_BACKEND, -Dlosscl.device / LOSSCL_DEVICE.");

    /**
     * The command line's own Logback configuration (logs to standard error), under a name of its own so
     * that the library jar carries no {@code logback.xml} to clash with an application's. Set before the
     * first logger is made; {@code -Dlogback.configurationFile=...} still overrides it.
     */
    static final String LOG_CONFIG = "io/losscl/cli/logback-cli.xml";

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", LOG_CONFIG);
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "eval": return EvalCommand.run(rest, System.in, out, err);
            case "devices": return DevicesCommand.run(out);
            case "demo": return DemoCommand.run(rest, out, err);
            case "conformance":
                try {
                    return ConformanceCommand.run(rest, out, err);
                } catch (java.io.IOException e) {
                    err.println("losscl conformance: " + e.getMessage());
                    return 2;
                }
            case "bench": return io.losscl.bench.BenchCommand.run(rest, out, err);
            case "help": case "--help": case "-h":
                out.println(USAGE);
                return 0;
            default:
                err.println("losscl: unknown command '" + args[0] + "'\n" + USAGE);
                return 2;
        }
    }
}
