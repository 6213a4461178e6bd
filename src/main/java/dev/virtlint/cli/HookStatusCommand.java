package dev.virtlint.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.virtlint.config.ConfigException;
import dev.virtlint.hook.FailureMode;
import dev.virtlint.hook.HookConfig;
import dev.virtlint.hook.HookInstaller;
import dev.virtlint.hook.HookInstaller.HookInstallException;
import dev.virtlint.hook.HookScript;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.rules.RuleRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Say whether the libvirt hook is installed, what it runs, whether libvirt's daemon can see it,"
                + " and what it checks: the configuration's settings and the stack detected on this host.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  virt-lint hook status",
            "",
            "Exit status: 0 installed and able to run; 1 not installed, or its Java is gone; 2 its configuration"
                    + " cannot be read, or usage error."
        })
final class HookStatusCommand implements Callable<Integer> {
    private static final List<String> DAEMONS = List.of("libvirtd", "virtqemud");

    @Spec
    private CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Look under DIR instead of / (default: ${DEFAULT-VALUE}); daemons and the stack are this"
                    + " machine's either way.")
    private Path root;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HookInstaller installer = new HookInstaller(root);
        Optional<HookScript.Installed> installed;
        try {
            installed = installer.installed();
        } catch (HookInstallException e) {
            err.println("virt-lint hook status: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        Path script = installer.script();
        if (installed.isEmpty()) {
            out.println("hook      not installed" + (Files.exists(script) ? ": " + script
                    + " exists but virt-lint did not write it" : " (" + script + " does not exist)"));
            out.println("          install it with: sudo virt-lint hook install");
            return ExitCodes.FINDINGS;
        }
        out.println("hook      " + script + (Files.isExecutable(script) ? "" : " (NOT executable: libvirt skips it)"));
        out.println("runs      " + installed.get().commandLine());
        boolean runnable = Files.isExecutable(Path.of(installed.get().program()));
        if (!runnable) {
            out.println("          " + installed.get().program() + " is gone: run 'virt-lint hook install' again");
        }
        for (Path other : installer.otherHooks()) {
            out.println("beside    " + other + " (libvirt runs each in name order; any may refuse a start)");
        }
        daemons(out, script);
        Path configFile = installed.get().config().map(Path::of).orElse(HookConfig.DEFAULT_FILE);
        FailureMode installedMode = installed.get().failureMode().orElse(FailureMode.FAIL_OPEN);
        HookConfig config;
        try {
            config = HookConfig.load(configFile);
        } catch (ConfigException e) {
            err.println(e.oneLine());
            err.println("virt-lint hook status: every start is an internal error until this is fixed ("
                    + (installedMode == FailureMode.FAIL_CLOSED ? "fail-closed: guests do not start"
                    : "fail-open: guests start unchecked") + ")");
            return ExitCodes.USAGE_OR_INPUT;
        }
        out.println("config    " + configFile + (config.file().isPresent() ? "" : " (absent: the defaults)"));
        FailureMode mode = config.failureMode(installedMode);
        out.println("checks    every start of a QEMU guest, at 'prepare begin', with this host's facts and "
                + (RuleRegistry.all().size() - 1) + " rules (all but VL010: libvirt's schema holds for the XML libvirt"
                + " writes); a finding of severity " + config.blockOn().label()
                + (config.blockOn().ordinal() == 0 ? "" : " or above") + " stops the start");
        out.println("skips     " + (config.skipDomains().isEmpty() ? "no guest"
                : String.join(", ", config.skipDomains().stream().sorted().toList())));
        out.println("failure   " + mode.word() + " (an internal error or a timeout of " + config.timeout().toMillis()
                + " ms " + (mode == FailureMode.FAIL_OPEN ? "is logged and the guest starts" : "stops the start")
                + ")");
        try {
            TargetOptions target = new TargetOptions();
            target.hostRoot = Path.of("/");
            TargetStack stack = target.environment(warning -> { }).stack();
            out.println("stack     QEMU " + stack.qemuVersion() + ", libvirt " + stack.libvirt() + ", OVMF "
                    + stack.ovmf() + " (detected on this host, else the defaults)");
        } catch (TypeConversionException e) {
            out.println("stack     not detected: " + e.getMessage());
        }
        return runnable ? ExitCodes.CLEAN : ExitCodes.FINDINGS;
    }

    /** Each libvirt daemon that runs, and whether it started before the script was written. */
    private static void daemons(PrintWriter out, Path script) {
        Optional<Instant> written;
        try {
            written = Optional.of(Files.getLastModifiedTime(script).toInstant());
        } catch (IOException e) {
            written = Optional.empty();
        }
        boolean any = false;
        for (ProcessHandle process : ProcessHandle.allProcesses().toList()) {
            Optional<String> name = process.info().command().map(command -> Path.of(command).getFileName().toString());
            if (name.isEmpty() || !DAEMONS.contains(name.get())) {
                continue;
            }
            any = true;
            Optional<Instant> started = process.info().startInstant();
            boolean before = written.isPresent() && started.isPresent() && started.get().isBefore(written.get());
            out.println("daemon    " + name.get() + " (pid " + process.pid() + ")" + (before
                    ? " started before the hook was written: unless another qemu hook was there then, it runs the"
                    + " hook only after 'systemctl reload " + name.get() + "' (or kill -HUP " + process.pid() + ")"
                    : " runs the hook at each start"));
        }
        if (!any) {
            out.println("daemon    no libvirtd or virtqemud is running");
        }
    }
}
