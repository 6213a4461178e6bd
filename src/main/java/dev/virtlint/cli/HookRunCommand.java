package dev.virtlint.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.virtlint.config.ConfigException;
import dev.virtlint.hook.FailureLog;
import dev.virtlint.hook.FailureMode;
import dev.virtlint.hook.HookConfig;
import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.model.SchemaInvalid;
import dev.virtlint.xml.SafeXmlLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "What libvirt's qemu hook calls, with the guest's name, the operation, the sub-operation and an extra"
                    + " argument, and the guest's XML on standard input. At 'prepare begin', before libvirt sets"
                    + " anything up for the guest, it lints the XML against this host (its CPU, IOMMU, GPUs and the"
                    + " QEMU, libvirt and OVMF installed) and exits 1 with the errors, which stops the start: libvirt"
                    + " shows the errors in the message it returns. Every other operation exits 0 at once, without"
                    + " reading standard input. It never calls libvirt, which waits for it.",
            "Settings come from the hook's configuration (default " + HookConfig.DEFAULT_LOCATION + ", or $"
                    + HookConfig.FILE_VARIABLE + "): block-on (error, warning or info; default error), skip-domains"
                    + " (names started unchecked), on-internal-error (fail-open, the default: log and let the guest"
                    + " start; or fail-closed) and timeout (default 5s). A guest's own <metadata> suppressions apply."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  virsh dumpxml win11 | virt-lint hook run win11 prepare begin -   what libvirt does at each start",
            "  virsh dumpxml win11 | virt-lint hook run --config ./hook.yaml win11 prepare begin -   try a configuration",
            "",
            "Exit status: 0 the guest may start (or the operation is not a start); 1 it may not: errors, or an"
                    + " internal error under fail-closed; 2 usage error."
        })
final class HookRunCommand implements Callable<Integer> {
    private static final String PREPARE = "prepare";
    private static final String BEGIN = "begin";

    private final Streams streams;

    @Parameters(index = "0", paramLabel = "NAME", description = "The guest's name.")
    private String name;

    @Parameters(index = "1", paramLabel = "OPERATION", description = "libvirt's operation: prepare, start, started,"
            + " stopped, release, migrate, restore, reconnect, attach; only prepare is checked.")
    private String operation;

    @Parameters(index = "2", paramLabel = "SUBOP", description = "begin or end; only begin is checked.")
    private String subOperation;

    @Parameters(index = "3", paramLabel = "EXTRA", description = "libvirt's extra argument (- when none); unused.")
    private String extra;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The hook's configuration (default: $" + HookConfig.FILE_VARIABLE + ", else "
                    + HookConfig.DEFAULT_LOCATION + "; a missing file means the defaults).")
    private Path configFile;

    @Option(names = "--on-internal-error", paramLabel = "MODE", converter = FailureModeConverter.class,
            description = "fail-open or fail-closed when the configuration does not say, and when it cannot be read"
                    + " (default: fail-open).")
    private FailureMode onInternalError;

    @Option(names = "--host-root", paramLabel = "DIR", defaultValue = "/",
            description = "Host facts from DIR instead of this machine (default: ${DEFAULT-VALUE}).")
    private Path hostRoot;

    /** For tools that build the command from its class (man page and completion generators). */
    HookRunCommand() {
        this(new Streams(System.in, System.out, System.err));
    }

    HookRunCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        if (!(operation.equals(PREPARE) && subOperation.equals(BEGIN))) {
            return ExitCodes.CLEAN;
        }
        Path file = configFile != null ? configFile : defaultConfigFile();
        FailureMode fallback = Optional.ofNullable(onInternalError).orElse(FailureMode.FAIL_OPEN);
        HookConfig config;
        try {
            config = HookConfig.load(file);
        } catch (ConfigException e) {
            return couldNotCheck(e.oneLine(), fallback);
        }
        FailureMode mode = config.failureMode(fallback);
        if (config.skipDomains().contains(name)) {
            return ExitCodes.CLEAN;
        }
        FutureTask<FileResult> lint = new FutureTask<>(this::lint);
        Thread worker = new Thread(lint, "virt-lint hook");
        // The JVM must be able to exit on a timeout while the lint still runs.
        worker.setDaemon(true);
        worker.start();
        FileResult result;
        try {
            result = lint.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return couldNotCheck("timed out after " + describe(config.timeout()), mode);
        } catch (ExecutionException e) {
            return couldNotCheck(String.valueOf(e.getCause()), mode);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return couldNotCheck("interrupted", mode);
        }
        if (result.error().isPresent()) {
            return couldNotCheck(result.error().get().getMessage(), mode);
        }
        List<Finding> blocking = result.findings().stream()
                .filter(finding -> finding.severity().atLeast(config.blockOn())).toList();
        if (blocking.isEmpty()) {
            return ExitCodes.CLEAN;
        }
        err().print(HookReport.refusal(name, blocking, file));
        return ExitCodes.FINDINGS;
    }

    /** Read, model, check: everything that may take long or fail, on the worker, under the timeout. */
    private FileResult lint() {
        TargetOptions target = new TargetOptions();
        target.hostRoot = hostRoot;
        LintEnvironment environment;
        try {
            environment = target.environment(warning -> { });
        } catch (TypeConversionException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        // Not VL010: libvirt wrote this XML itself from a definition it accepted, so its schema holds, and loading
        // the schema would be a third of the hook's time at every start.
        List<Rule> rules = RuleRegistry.all().stream().filter(rule -> !(rule instanceof SchemaInvalid)).toList();
        Linter linter = new Linter(new SafeXmlLoader(), rules, environment);
        return linter.lint(name + ".xml", streams.in());
    }

    private int couldNotCheck(String why, FailureMode mode) {
        String outcome = mode == FailureMode.FAIL_OPEN ? "it starts unchecked (fail-open)"
                : "it is not started (fail-closed)";
        FailureLog.log("virt-lint hook: could not check guest '" + name + "': " + why + "; " + outcome, err());
        return mode == FailureMode.FAIL_OPEN ? ExitCodes.CLEAN : ExitCodes.FINDINGS;
    }

    /**
     * Standard error as UTF-8: libvirt runs hooks with LC_ALL=C, under which Java prints '?' for each character
     * outside ASCII, and passes the bytes on to the user as they are.
     */
    private PrintStream err() {
        return new PrintStream(streams.err(), true, StandardCharsets.UTF_8);
    }

    private static Path defaultConfigFile() {
        String variable = System.getenv(HookConfig.FILE_VARIABLE);
        return variable == null || variable.isEmpty() ? HookConfig.DEFAULT_FILE : Path.of(variable);
    }

    private static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    static final class FailureModeConverter implements ITypeConverter<FailureMode> {
        @Override
        public FailureMode convert(String value) {
            return FailureMode.parse(value).orElseThrow(() -> new TypeConversionException(
                    "'" + value + "' is not fail-open or fail-closed"));
        }
    }
}
