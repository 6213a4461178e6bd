package dev.virtlint.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "hook", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        subcommands = {HookRunCommand.class, HookInstallCommand.class, HookUninstallCommand.class,
            HookStatusCommand.class},
        description = {
            "Check every start of a QEMU guest, not only the definitions you lint: libvirt runs its qemu hook with"
                    + " the guest's XML before each start, whoever starts it (virsh, virt-manager, Cockpit,"
                    + " Terraform, autostart), and a guest virt-lint finds an error in does not start; libvirt"
                    + " returns virt-lint's findings as the reason.",
            "'hook install' puts a small script into /etc/libvirt/hooks/qemu.d/ that calls 'virt-lint hook run';"
                    + " its settings are in /etc/virt-lint/hook.yaml."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  sudo virt-lint hook install        install the hook, then reload libvirtd if it says so",
            "  virt-lint hook status              what is installed and what it checks",
            "  sudo virt-lint hook uninstall      remove it, leaving the directory as it was",
            "  virt-lint hook run --help          what libvirt calls, and the settings it reads"
        })
final class HookCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** {@code virt-lint hook} alone names no command. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("virt-lint hook: give a command: run, install, uninstall or status");
        spec.commandLine().getErr().println("Try 'virt-lint hook --help' for more information.");
        return ExitCodes.USAGE_OR_INPUT;
    }
}
