package dev.virtlint.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Stack;
import java.util.concurrent.Callable;

import dev.virtlint.config.ConfigException;
import dev.virtlint.config.RuleSelection;
import dev.virtlint.host.LibvirtConnection;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.report.Reporter;
import dev.virtlint.xml.SafeXmlLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The root command, lint: its options, and a call() that refuses options that do not fit together, then hands each
 * step of the run to the class that decides it.
 */
@Command(name = "virt-lint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Lint libvirt domain XML for GPU-passthrough failures before `virsh define`: predicts what QEMU and"
                    + " OVMF will do with the definition and reports what will go wrong, with file:line:col, a"
                    + " rule ID and the reason.",
            "Settings come from the nearest .virt-lint.yaml above each file (up to the repository root or the"
                    + " home directory); options given here win over it."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  virt-lint win11.xml                 lint one domain definition",
            "  virt-lint /etc/libvirt/qemu/         lint every domain XML under a directory",
            "  virsh dumpxml win11 | virt-lint - --stdin-filename win11.xml",
            "  virt-lint --format json domains/    machine-readable findings",
            "  virt-lint --format text --format sarif -o virt-lint.sarif domains/   text here, SARIF for code scanning",
            "  virt-lint --format github domains/  annotations in a GitHub Actions log",
            "  virt-lint --fail-on warning win11.xml   exit 1 on warnings too",
            "  virt-lint --diff win11.xml          show the fixes as a unified diff",
            "  virt-lint --fix win11.xml           apply the safe fixes in place",
            "  virt-lint --add-suppressions='known, accepted' domains/   suppress today's findings in <metadata>",
            "  virt-lint --config ci.virt-lint.yaml domains/   one configuration for every file",
            "  virt-lint rules                     list every rule",
            "  virt-lint explain VL501             why a rule matters and how to fix it",
            "  virt-lint map win11.xml             the guest physical address map QEMU will build",
            "  virt-lint define win11.xml          lint, then virsh define when there is no error",
            "  virt-lint --host-root / win11.xml   check against this machine's CPU, IOMMU and GPUs",
            "  virt-lint host-facts --snapshot hv01/   capture a host once, lint against it anywhere",
            "  virt-lint --connect qemu:///system  every domain defined on this host",
            "",
            "Exit status: 0 no findings at or above --fail-on; 1 findings at or above it;",
            "             2 usage or configuration error, unreadable or malformed input, internal error (wins over 1)."
        })
public class VirtLintCommand implements Callable<Integer> {
    private static final String NO_REASON = "";

    private final Streams streams;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Domain XML files, directories (every *.xml whose root is <domain>, recursively), or - for"
                    + " standard input.")
    private List<String> paths = new ArrayList<>();

    @ArgGroup(exclusive = false, multiplicity = "0..*")
    private List<Report> reports = new ArrayList<>();

    /** One report: a format and, if given, the file it goes to (else standard output). */
    static final class Report {
        @Option(names = "--format", paramLabel = "FORMAT", required = true,
                description = "Report format: ${COMPLETION-CANDIDATES} (default: text). Repeat it to write several"
                        + " reports: each -o FILE after a --format sends that report to FILE.")
        OutputFormat format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Write the report of the --format before it to FILE instead of standard output. This"
                        + " is a report; the fixed XML of --fix goes to --fix-output.")
        Path output;
    }

    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "error",
            description = "Lowest severity that makes the exit status 1: ${COMPLETION-CANDIDATES}"
                    + " (default: ${DEFAULT-VALUE}; config key fail-on).")
    private FailOn failOn;

    @Option(names = "--select", paramLabel = "RULES", split = ",",
            description = "Run only these rules: IDs, names, ID prefixes such as VL1, or ALL (config key select).")
    private List<String> select;

    @Option(names = "--ignore", paramLabel = "RULES", split = ",",
            description = "Do not run these rules (config key ignore).")
    private List<String> ignore;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Use this configuration for every input instead of the nearest .virt-lint.yaml.")
    private Path configFile;

    @Option(names = "--isolated", description = "Use no configuration file at all.")
    private boolean isolated;

    @Option(names = "--stdin-filename", paramLabel = "NAME", defaultValue = "<stdin>",
            description = "Name to report for standard input (default: ${DEFAULT-VALUE}); its directory is where"
                    + " the configuration is looked for.")
    private String stdinFilename;

    @Option(names = "--skip-non-domain",
            description = "Skip named files whose root is not <domain> (as a directory walk does) instead of"
                    + " failing; for pre-commit and other callers that pass every *.xml.")
    private boolean skipNonDomain;

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
            + " the fixed XML goes to standard output. A file that cannot be written stays unchanged: its findings,"
            + " then the reason, and exit status 2.")
    private boolean fix;

    @Option(names = "--unsafe-fixes", negatable = true,
            description = "Also apply fixes that change more than the finding (less memory, another machine type)."
                    + " Without it they are only suggested (config key unsafe-fixes).")
    private boolean unsafeFixes;

    @Option(names = "--diff", description = "Print the fixes as a unified diff and write nothing; exit 1 when"
            + " there is a diff.")
    private boolean diff;

    @Option(names = "--fix-output", paramLabel = "FILE",
            description = "With --fix and one input: write the fixed XML here instead of in place.")
    private Path fixOutput;

    @Option(names = "--add-suppressions", paramLabel = "REASON", arity = "0..1",
            preprocessor = AttachedValueOnly.class,
            description = "Suppress every current finding: write <vl:ignore rule='ID' reason='REASON'/> into each"
                    + " file's <metadata>, where libvirt keeps it. Give the reason with '=':"
                    + " --add-suppressions='checked by hand'.")
    private String addSuppressions;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Lint N files at once (default: the number of CPUs). Output stays in input order.")
    private int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-q", "--quiet"}, description = "Print findings only, no summary.")
    private boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also report skipped files.")
    private boolean verbose;

    /** For tools that build the command from its class (man page and completion generators). */
    public VirtLintCommand() {
        this(new Streams(System.in, System.out, System.err));
    }

    public VirtLintCommand(Streams streams) {
        this.streams = streams;
    }

    /**
     * {@code --add-suppressions FILE} must not take FILE as the reason: only a value attached with '=' is
     * one; otherwise the option stands alone, as if given with an empty reason.
     */
    static final class AttachedValueOnly implements IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec,
                                  Map<String, Object> info) {
            if (!"=".equals(info.get("separator"))) {
                args.push(NO_REASON);
            }
            return false;
        }
    }

    @Override
    public Integer call() throws IOException {
        Optional<String> misuse = misusedOptions();
        if (misuse.isPresent()) {
            return usage(misuse.get());
        }
        List<Input> inputs = new ArrayList<>(InputExpander.expand(paths, stdinFilename));
        misuse = misusedWith(inputs);
        if (misuse.isPresent()) {
            return usage(misuse.get());
        }
        FileRewriter rewriter = new FileRewriter(fix, diff, Optional.ofNullable(fixOutput),
                Optional.ofNullable(addSuppressions), maxFileSize);
        // The report moves to standard error when standard output carries the fixed XML or the diff.
        PrintStream terminal = rewriter.writesStandardOutput(inputs) ? streams.err() : streams.out();
        Optional<HostCpu> connectionCpu = Optional.empty();
        if (connect != null) {
            try {
                connectionCpu = Optional.of(ConnectionInputs.addDefinedDomains(connect, inputs));
            } catch (LibvirtConnection.LibvirtConnectionException e) {
                streams.err().println("virt-lint: --connect " + connect + ": " + e.getMessage());
                return ExitCodes.USAGE_OR_INPUT;
            }
        }
        List<LintSetup.PlannedInput> plan;
        try {
            plan = plan(inputs, connectionCpu);
        } catch (ConfigException e) {
            streams.err().println(e.oneLine());
            return ExitCodes.USAGE_OR_INPUT;
        } catch (TypeConversionException e) {
            return usage(e.getMessage());
        }
        ReportOutputs outputs = new ReportOutputs(streams.err(), color, quiet, verbose);
        Reporter reporter;
        try {
            reporter = outputs.open(reports, terminal);
        } catch (IOException e) {
            outputs.closeFiles();
            return usage("cannot write the report: " + e.getMessage());
        }
        new RunNotes(streams.err(), quiet, Optional.ofNullable(target.libvirtSchemas))
                .print(plan.stream().map(LintSetup.PlannedInput::profile).toList());
        try {
            return new LintRun(new InputLinter(!skipNonDomain, streams.in()), rewriter, streams.out(), reporter, diff)
                    .run(plan, jobs);
        } finally {
            outputs.closeFiles();
        }
    }

    /**
     * What the options get wrong on their own, checked before the paths are expanded: a walk of a large tree
     * (/, say) only to refuse the options would take long.
     */
    private Optional<String> misusedOptions() {
        if (paths.isEmpty() && connect == null) {
            return Optional.of("no input: give a domain XML file, a directory, - for standard input, or --connect URI");
        }
        if (configFile != null && isolated) {
            return Optional.of("--config and --isolated contradict each other");
        }
        return unknownSelector("--select", select).or(() -> unknownSelector("--ignore", ignore));
    }

    /** What the options get wrong once the inputs are known; the first check needs their number. */
    private Optional<String> misusedWith(List<Input> inputs) {
        if (fixOutput != null && (!fix || inputs.size() != 1)) {
            return Optional.of("--fix-output needs --fix and exactly one input file");
        }
        if (addSuppressions != null && (fix || diff || connect != null)) {
            return Optional.of("--add-suppressions edits files on its own; run it without --fix, --diff and --connect");
        }
        if (reports.stream().filter(report -> report.output == null).count() > 1) {
            return Optional.of("only one report can go to standard output; give the others -o FILE");
        }
        if (connect != null && (fix || diff)) {
            return Optional.of("--fix and --diff work on files; with --connect, dump a domain with"
                    + " 'virsh dumpxml --inactive' and fix that");
        }
        return Optional.empty();
    }

    /** The first of {@code selectors} that names no rule, as "--select: no rule 'X': did you mean …". */
    private static Optional<String> unknownSelector(String option, List<String> selectors) {
        return Optional.ofNullable(selectors).orElse(List.of()).stream().filter(s -> !RuleSelection.isValid(s))
                .findFirst().map(s -> option + ": " + RuleSelection.unknownSelectorMessage(s));
    }

    private int usage(String message) {
        streams.err().println("virt-lint: " + message);
        streams.err().println("Try 'virt-lint --help' for more information.");
        return ExitCodes.USAGE_OR_INPUT;
    }

    /** Each input with the profile its configuration and these options give it; host warnings show with -v. */
    private List<LintSetup.PlannedInput> plan(List<Input> inputs, Optional<HostCpu> connectionCpu)
            throws ConfigException {
        LintSetup setup = new LintSetup(LintSetup.resolver(configFile, isolated), spec.mixins().get("target"),
                spec.commandLine().getParseResult(), commandLineSettings(), maxFileSize, warning -> {
                    if (verbose) {
                        streams.err().println(warning);
                    }
                }, connectionCpu);
        List<LintSetup.PlannedInput> plan = new ArrayList<>();
        for (Input input : inputs) {
            plan.add(setup.plan(input));
        }
        return plan;
    }

    private LintSetup.CommandLineSettings commandLineSettings() {
        var parsed = spec.commandLine().getParseResult();
        return new LintSetup.CommandLineSettings(
                parsed.hasMatchedOption("--fail-on") ? Optional.of(failOn) : Optional.empty(),
                parsed.hasMatchedOption("--unsafe-fixes") ? Optional.of(unsafeFixes) : Optional.empty(),
                Optional.ofNullable(select), Optional.ofNullable(ignore));
    }
}
