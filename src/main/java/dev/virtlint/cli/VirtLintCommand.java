package dev.virtlint.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.virtlint.fix.AtomicFileWriter;
import dev.virtlint.fix.FixApplier;
import dev.virtlint.fix.UnifiedDiff;
import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.Linter;
import dev.virtlint.report.JsonReporter;
import dev.virtlint.report.Reporter;
import dev.virtlint.report.Summary;
import dev.virtlint.report.TextReporter;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.XmlLoadException;
import dev.virtlint.host.LibvirtConnection;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.OrderedParallel;
import dev.virtlint.platform.HostCpu;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

@Command(name = "virt-lint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        subcommands = {RulesCommand.class, ExplainCommand.class, MapCommand.class, HostFactsCommand.class},
        description = {
            "Lint libvirt domain XML for GPU-passthrough failures before `virsh define`: predicts what QEMU and"
                    + " OVMF will do with the definition and reports what will go wrong, with file:line:col, a"
                    + " rule ID and the reason."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  virt-lint win11.xml                 lint one domain definition",
            "  virt-lint /etc/libvirt/qemu/         lint every domain XML under a directory",
            "  virsh dumpxml win11 | virt-lint - --stdin-filename win11.xml",
            "  virt-lint --format json domains/    machine-readable findings",
            "  virt-lint --fail-on warning win11.xml   exit 1 on warnings too",
            "  virt-lint --diff win11.xml          show the fixes as a unified diff",
            "  virt-lint --fix win11.xml           apply the safe fixes in place",
            "  virt-lint rules                     list every rule",
            "  virt-lint explain VL501             why a rule matters and how to fix it",
            "  virt-lint map win11.xml             the guest physical address map QEMU will build",
            "  virt-lint --host-root / win11.xml   check against this machine's CPU, IOMMU and GPUs",
            "  virt-lint host-facts --snapshot hv01/   capture a host once, lint against it anywhere",
            "  virt-lint --connect qemu:///system  every domain defined on this host",
            "",
            "Exit status: 0 no findings at or above --fail-on; 1 findings at or above it;",
            "             2 usage error, unreadable or malformed input, internal error (wins over 1)."
        })
public final class VirtLintCommand implements Callable<Integer> {
    private final Streams streams;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Domain XML files, directories (every *.xml whose root is <domain>, recursively), or - for"
                    + " standard input.")
    private List<String> paths = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private OutputFormat format;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "error",
            description = "Lowest severity that makes the exit status 1: ${COMPLETION-CANDIDATES}"
                    + " (default: ${DEFAULT-VALUE}).")
    private FailOn failOn;

    @Option(names = "--stdin-filename", paramLabel = "NAME", defaultValue = "<stdin>",
            description = "Name to report for standard input (default: ${DEFAULT-VALUE}).")
    private String stdinFilename;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour text output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; auto honours"
                    + " NO_COLOR).")
    private ColorMode color;

    @Option(names = "--max-file-size", paramLabel = "BYTES", defaultValue = "" + SafeXmlLoader.DEFAULT_MAX_BYTES,
            description = "Refuse inputs larger than this (default: ${DEFAULT-VALUE}).")
    private long maxFileSize;

    @Mixin
    private TargetOptions target = new TargetOptions();

    @Option(names = "--connect", paramLabel = "URI",
            description = "Lint every domain defined on this libvirt connection (its inactive XML), with the host's"
                    + " CPU vendor and address bits from its capabilities, e.g. qemu:///system. Needs libvirt.so.0.")
    private String connect;

    @Option(names = "--fix", description = "Apply safe fixes in place (atomically), then report what is left. With -"
            + " the fixed XML goes to standard output.")
    private boolean fix;

    @Option(names = "--unsafe-fixes", description = "Also apply fixes that change more than the finding (less"
            + " memory, another machine type). Without it they are only suggested.")
    private boolean unsafeFixes;

    @Option(names = "--diff", description = "Print the fixes as a unified diff and write nothing; exit 1 when"
            + " there is a diff.")
    private boolean diff;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "With --fix and one input: write the fixed XML here instead of in place.")
    private Path output;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Lint N files at once (default: the number of CPUs). Output stays in input order.")
    private int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-q", "--quiet"}, description = "Print findings only, no summary.")
    private boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also report skipped files.")
    private boolean verbose;

    public VirtLintCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException {
        if (paths.isEmpty() && connect == null) {
            streams.err().println("virt-lint: no input: give a domain XML file, a directory, - for standard input,"
                    + " or --connect URI");
            streams.err().println("Try 'virt-lint --help' for more information.");
            return ExitCodes.USAGE_OR_INPUT;
        }
        List<Input> inputs = new ArrayList<>(InputExpander.expand(paths, stdinFilename));
        if (output != null && (!fix || inputs.size() != 1)) {
            streams.err().println("virt-lint: -o/--output needs --fix and exactly one input file");
            return ExitCodes.USAGE_OR_INPUT;
        }
        boolean fixedXmlOnStdout = fix && output == null && inputs.stream().anyMatch(i -> i instanceof Input.StandardInput);
        // Standard output carries the fixed XML or the diff in those modes; the report moves to standard error.
        PrintStream reportStream = fixedXmlOnStdout || diff ? streams.err() : streams.out();
        LintEnvironment environment;
        try {
            environment = target.environment(warning -> {
                if (verbose) {
                    streams.err().println(warning);
                }
            });
        } catch (TypeConversionException e) {
            streams.err().println("virt-lint: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (connect != null) {
            if (fix || diff) {
                streams.err().println("virt-lint: --fix and --diff work on files; with --connect, dump a domain with"
                        + " 'virsh dumpxml --inactive' and fix that");
                return ExitCodes.USAGE_OR_INPUT;
            }
            try {
                environment = addConnection(environment, inputs);
            } catch (LibvirtConnection.LibvirtConnectionException e) {
                streams.err().println("virt-lint: --connect " + connect + ": " + e.getMessage());
                return ExitCodes.USAGE_OR_INPUT;
            }
        }
        Linter linter = new Linter(new SafeXmlLoader(maxFileSize), RuleRegistry.all(), environment);
        Reporter reporter = switch (format) {
            case text -> new TextReporter(reportStream, streams.err(), color.enabled(), quiet, verbose);
            case json -> new JsonReporter(reportStream);
        };
        FixApplier applier = new FixApplier(linter, unsafeFixes);
        Summary summary = new Summary();
        boolean[] failed = {false};
        boolean[] findingsAtThreshold = {false};
        boolean[] anyDiff = {false};
        OrderedParallel.run(inputs, jobs, input -> process(linter, applier, input), processed -> {
            FileResult result = processed.result();
            try {
                streams.out().write(processed.standardOutput());
                reporter.file(result);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            anyDiff[0] |= processed.changed();
            summary.addFixed(processed.fixed());
            summary.add(result);
            failed[0] |= result.error().isPresent();
            findingsAtThreshold[0] |= reachesThreshold(result);
        });
        reporter.finish(summary);
        if (failed[0]) {
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (diff) {
            return anyDiff[0] ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
        }
        return findingsAtThreshold[0] ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
    }

    /**
     * One input, start to finish, on a worker thread: lint, and fix or diff when asked. What belongs on
     * standard output (a diff, or fixed XML from standard input) is returned, not printed, so that the
     * caller prints it in input order.
     */
    private Processed process(Linter linter, FixApplier applier, Input input) {
        FileResult result = lint(linter, input);
        if ((fix || diff) && result.error().isEmpty() && !result.skipped()) {
            return applyFixes(applier, input, result);
        }
        return new Processed(result, new byte[0], false, 0);
    }

    /**
     * Adds the connection's defined domains to the inputs and, where the run has no host facts of its own,
     * takes the host CPU from the connection's capabilities.
     */
    private LintEnvironment addConnection(LintEnvironment environment, List<Input> inputs)
            throws LibvirtConnection.LibvirtConnectionException {
        try (LibvirtConnection connection = LibvirtConnection.open(connect)) {
            for (LibvirtConnection.DefinedDomain domain : connection.definedDomains()) {
                inputs.add(new Input.LibvirtDomain(connect + "#" + domain.name(), domain.inactiveXml()));
            }
            if (environment.hostFacts().isPresent()) {
                return environment;
            }
            LibvirtConnection.HostCpu cpu = connection.hostCpu();
            Optional<String> vendorId = cpu.vendor().flatMap(vendor -> switch (vendor) {
                case AMD -> Optional.of("AuthenticAMD");
                case INTEL -> Optional.of("GenuineIntel");
                case OTHER -> cpu.vendorName();
            });
            return new LintEnvironment(environment.stack(), new HostCpu(vendorId,
                    cpu.physBits().map(OptionalInt::of).orElse(OptionalInt.empty())), Optional.empty());
        }
    }

    private record Processed(FileResult result, byte[] standardOutput, boolean changed, int fixed) {
    }

    /**
     * Fixes one file: splice, re-lint until nothing changes, then write (or print the diff). A fix that
     * does not converge, or a write that fails, leaves the file untouched and is reported as an error.
     */
    private Processed applyFixes(FixApplier applier, Input input, FileResult result) {
        boolean fixedToStandardOutput = fix && input instanceof Input.StandardInput && output == null;
        if (result.findings().isEmpty()) {
            return new Processed(result, fixedToStandardOutput
                    ? AtomicFileWriter.encode(result.source().orElseThrow()) : new byte[0], false, 0);
        }
        SourceText original = result.source().orElseThrow();
        FixApplier.Outcome outcome = applier.apply(original, result);
        if (!outcome.converged()) {
            return new Processed(FileResult.failed(new XmlLoadException(XmlLoadException.Kind.INTERNAL,
                    result.displayName(), 1, 1, "the fixes of " + String.join(", ", outcome.unconvergedRules())
                    + " did not converge after " + FixApplier.MAX_PASSES + " passes; nothing was written")),
                    new byte[0], false, 0);
        }
        int fixed = Math.max(0, result.findings().size() - outcome.result().findings().size());
        boolean changed = outcome.changed(original);
        byte[] standardOutput = new byte[0];
        if (diff && changed) {
            standardOutput = UnifiedDiff.of(result.displayName(), original.text(), outcome.text().text())
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (fix) {
            byte[] bytes = AtomicFileWriter.encode(outcome.text());
            try {
                if (output != null) {
                    AtomicFileWriter.write(output, bytes);
                } else if (fixedToStandardOutput) {
                    standardOutput = bytes;
                } else if (changed) {
                    AtomicFileWriter.write(Path.of(result.displayName()), bytes);
                }
            } catch (IOException e) {
                return new Processed(FileResult.failed(new XmlLoadException(XmlLoadException.Kind.UNWRITABLE,
                        result.displayName(), 1, 1, e.getMessage() + "; the file is unchanged")), new byte[0],
                        false, 0);
            }
        }
        return new Processed(outcome.result(), standardOutput, changed, changed ? fixed : 0);
    }

    private FileResult lint(Linter linter, Input input) {
        if (input instanceof Input.NamedFile file) {
            return linter.lint(file.path(), true);
        }
        if (input instanceof Input.FoundFile file) {
            return linter.lint(file.path(), false);
        }
        if (input instanceof Input.StandardInput stdin) {
            return linter.lint(stdin.displayName(), streams.in());
        }
        if (input instanceof Input.LibvirtDomain domain) {
            return linter.lint(domain.displayName(),
                    new ByteArrayInputStream(domain.xml().getBytes(StandardCharsets.UTF_8)));
        }
        return FileResult.failed(((Input.Unreadable) input).error());
    }

    private boolean reachesThreshold(FileResult result) {
        return failOn.threshold().map(threshold -> reaches(result, threshold)).orElse(false);
    }

    private static boolean reaches(FileResult result, Severity threshold) {
        for (Finding finding : result.findings()) {
            if (finding.severity().atLeast(threshold)) {
                return true;
            }
        }
        return false;
    }
}
