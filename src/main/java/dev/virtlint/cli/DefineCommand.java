package dev.virtlint.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.virtlint.config.ConfigException;
import dev.virtlint.lint.FileResult;
import dev.virtlint.report.Summary;
import dev.virtlint.report.TextReporter;
import dev.virtlint.xml.SafeXmlLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "define", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Lint a domain definition and hand it to `virsh define` only when virt-lint finds no error, so that"
                    + " a definition QEMU would refuse, or whose settings libvirt would silently drop, never"
                    + " reaches libvirt. Every finding is shown either way; libvirt's own answer is printed as it"
                    + " gives it. virsh validates the XML against libvirt's schema too (--validate) where it can.",
            "The nearest .virt-lint.yaml applies, as for linting."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  virt-lint define win11.xml                          lint, then define on virsh's default connection",
            "  virt-lint define --connect qemu:///system win11.xml",
            "  virt-lint define --force win11.xml                  define even with errors (they are still shown)",
            "",
            "Exit status: 0 defined; 1 not defined because of errors; 2 virsh failed, usage error or unreadable"
                    + " input."
        })
final class DefineCommand implements Callable<Integer> {
    private final Streams streams;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The domain XML to lint and define.")
    private Path file;

    @Option(names = {"-c", "--connect"}, paramLabel = "URI",
            description = "libvirt connection to define on (default: virsh's, usually qemu:///system as root).")
    private String connect;

    @Option(names = "--force", description = "Define even when the lint finds errors.")
    private boolean force;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Use this configuration instead of the nearest .virt-lint.yaml.")
    private Path configFile;

    @Option(names = "--isolated", description = "Use no configuration file at all.")
    private boolean isolated;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour the findings: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private ColorMode color;

    @Mixin
    private TargetOptions target = new TargetOptions();

    /** For tools that build the command from its class (man page and completion generators). */
    DefineCommand() {
        this(new Streams(System.in, System.out, System.err));
    }

    DefineCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (configFile != null && isolated) {
            streams.err().println("virt-lint define: --config and --isolated contradict each other");
            return ExitCodes.USAGE_OR_INPUT;
        }
        LintSetup.Profile profile;
        try {
            LintSetup setup = new LintSetup(LintSetup.resolver(configFile, isolated), spec.mixins().get("target"),
                    spec.commandLine().getParseResult(), new LintSetup.CommandLineSettings(Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty()), SafeXmlLoader.DEFAULT_MAX_BYTES,
                    warning -> { }, Optional.empty());
            profile = setup.profile(setup.settingsFor(file));
        } catch (ConfigException e) {
            streams.err().println(e.oneLine());
            return ExitCodes.USAGE_OR_INPUT;
        } catch (TypeConversionException e) {
            streams.err().println("virt-lint define: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        FileResult result = profile.linter().lint(file, true);
        Summary summary = new Summary();
        summary.add(result);
        TextReporter reporter = new TextReporter(streams.out(), streams.err(), color.enabled(), false, false);
        reporter.file(result);
        reporter.finish(summary);
        if (result.error().isPresent()) {
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (summary.errors() > 0 && !force) {
            streams.err().println("virt-lint define: " + file + " was not defined: " + summary.errors()
                    + (summary.errors() == 1 ? " error" : " errors") + " above; fix "
                    + (summary.errors() == 1 ? "it" : "them") + ", or define anyway with --force");
            return ExitCodes.FINDINGS;
        }
        return virshDefine();
    }

    /** Runs {@code virsh define} and passes on what libvirt says. */
    private int virshDefine() throws IOException, InterruptedException {
        List<String> command = virsh();
        command.add("define");
        command.add(file.toString());
        if (virshSupportsValidate()) {
            command.add("--validate");
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            streams.err().println("virt-lint define: cannot run virsh (" + e.getMessage() + "); it is in Debian's"
                    + " libvirt-clients package");
            return ExitCodes.USAGE_OR_INPUT;
        }
        process.getOutputStream().close();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int status = process.waitFor();
        if (!said.isEmpty()) {
            (status == 0 ? streams.out() : streams.err()).println(said);
        }
        if (status != 0) {
            streams.err().println("virt-lint define: virsh define failed (exit status " + status + ")");
            return ExitCodes.USAGE_OR_INPUT;
        }
        return ExitCodes.CLEAN;
    }

    private List<String> virsh() {
        List<String> command = new ArrayList<>(List.of("virsh"));
        if (connect != null) {
            command.add("-c");
            command.add(connect);
        }
        return command;
    }

    /** {@code --validate} appeared in libvirt 1.2.12 (2015); older virsh would reject the whole command. */
    private static boolean virshSupportsValidate() throws IOException, InterruptedException {
        Process help;
        try {
            help = new ProcessBuilder("virsh", "define", "--help").redirectErrorStream(true).start();
        } catch (IOException e) {
            return false;
        }
        help.getOutputStream().close();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!help.waitFor(30, TimeUnit.SECONDS)) {
            help.destroyForcibly();
            return false;
        }
        return text.contains("--validate");
    }
}
