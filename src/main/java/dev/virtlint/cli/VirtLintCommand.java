package dev.virtlint.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "virt-lint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        subcommands = {RulesCommand.class, ExplainCommand.class},
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
            "  virt-lint rules                     list every rule",
            "  virt-lint explain VL501             why a rule matters and how to fix it",
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

    @Option(names = {"-q", "--quiet"}, description = "Print findings only, no summary.")
    private boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also report skipped files.")
    private boolean verbose;

    public VirtLintCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException {
        if (paths.isEmpty()) {
            streams.err().println("virt-lint: no input: give a domain XML file, a directory, or - for standard input");
            streams.err().println("Try 'virt-lint --help' for more information.");
            return ExitCodes.USAGE_OR_INPUT;
        }
        Linter linter = new Linter(new SafeXmlLoader(maxFileSize), RuleRegistry.all());
        Reporter reporter = switch (format) {
            case text -> new TextReporter(streams.out(), streams.err(), color.enabled(), quiet, verbose);
            case json -> new JsonReporter(streams.out());
        };
        Summary summary = new Summary();
        boolean failed = false;
        boolean findingsAtThreshold = false;
        for (Input input : InputExpander.expand(paths, stdinFilename)) {
            FileResult result = lint(linter, input);
            summary.add(result);
            reporter.file(result);
            failed |= result.error().isPresent();
            findingsAtThreshold |= failOn.threshold().map(threshold -> reaches(result, threshold)).orElse(false);
        }
        reporter.finish(summary);
        if (failed) {
            return ExitCodes.USAGE_OR_INPUT;
        }
        return findingsAtThreshold ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
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
        return FileResult.failed(((Input.Unreadable) input).error());
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
