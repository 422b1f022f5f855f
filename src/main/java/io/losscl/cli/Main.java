package io.losscl.cli;

import io.losscl.bench.BenchCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The {@code losscl} command line: {@code eval}, {@code devices}, {@code demo}, {@code conformance}, {@code bench}. */
public final class Main {
    private Main() {}

    /** A command: its usage line, what it does, and how it runs. */
    private record Command(String usage, String what, Runner runner) {}

    @FunctionalInterface
    private interface Runner {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("eval", new Command(EvalCommand.USAGE,
                "answer loss cases given as JSON (one object, an array or JSON Lines; docs/eval-protocol.md)",
                (a, o, e) -> EvalCommand.run(a, System.in, o, e)));
        COMMANDS.put("devices", new Command("devices", "list the OpenCL devices and the one AUTO picks",
                (a, o, e) -> DevicesCommand.run(a, o, e)));
        COMMANDS.put("demo", new Command(DemoCommand.USAGE, "the classification-loss walkthrough, cross-checked (exit 1 on a mismatch)",
                DemoCommand::run));
        COMMANDS.put("conformance", new Command(ConformanceCommand.USAGE,
                "run golden fixtures (cases plus PyTorch's answers) through eval and check every result",
                ConformanceCommand::run));
        COMMANDS.put("bench", new Command(BenchCommand.USAGE, "time the benchmark suite on OpenCL (see bench/README.md)",
                Main::bench));
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: losscl COMMAND [ARGS]   (losscl COMMAND --help for one command; losscl --version)\n");
        for (Map.Entry<String, Command> c : COMMANDS.entrySet()) {
            b.append(String.format("  %-62s %s%n", c.getValue().usage(), c.getValue().what()));
        }
        b.append("Backend and device: -Dlosscl.backend / LOSSCL_BACKEND (auto, opencl, java), -Dlosscl.device / LOSSCL_DEVICE;\n"
                + "JVM options for the launcher: LOSSCL_JAVA_OPTS.");
        return b.toString();
    }

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
            err.println(usage());
            return 2;
        }
        String name = args[0];
        switch (name) {
            case "help": case "--help": case "-h":
                if (args.length > 1 && COMMANDS.containsKey(args[1])) return help(args[1], out);
                out.println(usage());
                return 0;
            case "--version": case "version":
                out.println("losscl " + version());
                return 0;
            default:
                break;
        }
        Command command = COMMANDS.get(name);
        if (command == null) {
            err.println("losscl: unknown command '" + name + "'" + Suggest.didYouMean(name, COMMANDS.keySet()) + "\n" + usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) return help(name, out);
        try {
            BackendSetting.configured(); // a bad value is an error in every command, never ignored
        } catch (BackendSetting.BadValueException e) {
            err.println("losscl " + name + ": " + e.getMessage());
            return 2;
        }
        return command.runner().run(rest, out, err);
    }

    private static int help(String name, PrintStream out) {
        Command c = COMMANDS.get(name);
        out.println("usage: losscl " + c.usage());
        out.println(c.what() + ".");
        out.println("Backend: --backend wins where the command has it, then -Dlosscl.backend / LOSSCL_BACKEND, then auto.");
        return 0;
    }

    /** The bench times OpenCL: a backend setting of {@code java} cannot hold for it, so it says so. */
    private static int bench(String[] args, PrintStream out, PrintStream err) {
        if (BackendSetting.configured() == io.losscl.BackendKind.JAVA) {
            err.println("losscl bench: the bench times the OpenCL backend, but the backend setting is java;"
                    + " unset LOSSCL_BACKEND (-Dlosscl.backend), and add --java to time the Java reference next to it");
            return 2;
        }
        return BenchCommand.run(args, out, err);
    }

    /** The version Maven recorded in the jar; "unknown" when not run from the built jar. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/io.losscl/losscl/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null) return v;
            }
        } catch (IOException ignored) {
            // fall through
        }
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "(version unknown: not run from the built jar)";
    }

    /** The command names, for tests. */
    static List<String> commands() { return List.copyOf(COMMANDS.keySet()); }
}
