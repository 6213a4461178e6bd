package dev.virtlint.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine;

/** Entry point. Every failure ends as a one-line message and an exit code, never a stack trace. */
public final class Main {
    /**
     * The subcommands by name. They are added only when an argument may name one or asks for help, whose
     * command list shows them: picocli builds a command's model from its annotations when it is added, and
     * for all of them that is a tenth of a one-file lint run, which never enters them. When the first argument
     * names one, as it does for every call of the libvirt hook, only that one is built.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the CLI in-process with the given streams; used by tests. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Streams streams = new Streams(in, out, err);
        StreamsFactory factory = new StreamsFactory(streams);
        CommandLine commandLine = new CommandLine(new VirtLintCommand(streams), factory);
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0])) {
            commandLine.addSubcommand(args[0], new CommandLine(SUBCOMMANDS.get(args[0]), factory));
        } else if (mayNeedSubcommands(args)) {
            SUBCOMMANDS.forEach((name, type) -> commandLine.addSubcommand(name, new CommandLine(type, factory)));
        }
        // Settings after the subcommands: picocli applies them to the subcommands present at the time.
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println("virt-lint: " + (isReportFileWithoutFormat(e) ? reportFileWithoutFormat(arguments)
                    : e.getMessage()));
            err.println("Try 'virt-lint --help' for more information.");
            return ExitCodes.USAGE_OR_INPUT;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("virt-lint: internal error: " + e + " (please report this with the input that caused it)");
            if (System.getenv("VIRT_LINT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return ExitCodes.USAGE_OR_INPUT;
        });
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * {@code -o FILE} without a {@code --format} before it: picocli says only that --format is missing. People
     * who write {@code --fix -o out.xml} expect the fixed XML there, so say what -o is and where that goes.
     */
    private static boolean isReportFileWithoutFormat(CommandLine.ParameterException e) {
        return e instanceof CommandLine.MissingParameterException missing
                && e.getCommandLine().getCommand() instanceof VirtLintCommand
                && missing.getMissing().stream().anyMatch(arg -> arg instanceof CommandLine.Model.OptionSpec option
                        && option.longestName().equals("--format"));
    }

    private static String reportFileWithoutFormat(String[] arguments) {
        String file = "FILE";
        for (int i = 0; i < arguments.length; i++) {
            String arg = arguments[i];
            if ((arg.equals("-o") || arg.equals("--output")) && i + 1 < arguments.length) {
                file = arguments[i + 1];
            } else if (arg.startsWith("--output=")) {
                file = arg.substring("--output=".length());
            } else if (arg.startsWith("-o") && arg.length() > 2) {
                file = arg.substring(2);
            }
        }
        return "-o " + file + " names a report file, and needs the --format of that report before it"
                + " (--format sarif -o virt-lint.sarif); with --fix, the fixed XML goes to --fix-output " + file;
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        byName.put("rules", RulesCommand.class);
        byName.put("explain", ExplainCommand.class);
        byName.put("map", MapCommand.class);
        byName.put("host-facts", HostFactsCommand.class);
        byName.put("define", DefineCommand.class);
        byName.put("hook", HookCommand.class);
        return byName;
    }

    /**
     * True unless the arguments can only be a lint run: none is a subcommand's name, a request for help
     * ({@code --help}, or a cluster of short options with h in it) or an @file of further arguments.
     * Without the subcommands added, a subcommand's name would be taken for a file; answering true too
     * often only costs time.
     */
    static boolean mayNeedSubcommands(String[] args) {
        for (String arg : args) {
            if (SUBCOMMANDS.containsKey(arg) || arg.equals("--help") || arg.startsWith("@")
                    || (arg.startsWith("-") && !arg.startsWith("--") && arg.indexOf('h') > 0)) {
                return true;
            }
        }
        return false;
    }

    /** Hands the run's streams to the subcommands that print through a reporter rather than picocli's writers. */
    private record StreamsFactory(Streams streams) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == DefineCommand.class) {
                return type.cast(new DefineCommand(streams));
            }
            if (type == HookRunCommand.class) {
                return type.cast(new HookRunCommand(streams));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
