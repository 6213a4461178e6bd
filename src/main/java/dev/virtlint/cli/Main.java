package dev.virtlint.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;

import picocli.CommandLine;

/** Entry point. Every failure ends as a one-line message and an exit code, never a stack trace. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the CLI in-process with the given streams; used by tests. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Streams streams = new Streams(in, out, err);
        CommandLine commandLine = new CommandLine(new VirtLintCommand(streams), new StreamsFactory(streams));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println("virt-lint: " + e.getMessage());
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

    /** Hands the run's streams to the subcommands that print through a reporter rather than picocli's writers. */
    private record StreamsFactory(Streams streams) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == DefineCommand.class) {
                return type.cast(new DefineCommand(streams));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
