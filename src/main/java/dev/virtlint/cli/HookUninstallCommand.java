package dev.virtlint.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.virtlint.hook.HookInstaller;
import dev.virtlint.hook.HookInstaller.HookInstallException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "uninstall", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Remove the libvirt hook 'virt-lint hook install' wrote (as root). Other hook scripts stay; the"
                + " hook directory is removed only when the install created it and it is empty again. The next start"
                + " is no longer checked; libvirt needs no reload.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  sudo virt-lint hook uninstall",
            "",
            "Exit status: 0 removed, or nothing was installed; 2 the file there is not virt-lint's, or cannot be"
                    + " removed."
        })
final class HookUninstallCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Uninstall from under DIR instead of / (default: ${DEFAULT-VALUE}).")
    private Path root;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        HookInstaller installer = new HookInstaller(root);
        HookInstaller.Removed removed;
        try {
            removed = installer.uninstall();
        } catch (HookInstallException e) {
            spec.commandLine().getErr().println("virt-lint hook uninstall: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (!removed.wasInstalled()) {
            out.println("No virt-lint hook is installed at " + installer.script() + "; nothing to do.");
            return ExitCodes.CLEAN;
        }
        out.println("Removed " + installer.script() + ".");
        if (!removed.removedDirectories().isEmpty()) {
            out.println("Removed " + paths(removed.removedDirectories()) + ", which the install had created.");
        }
        if (!removed.keptDirectories().isEmpty()) {
            out.println("Kept " + paths(removed.keptDirectories()) + ": the install created it, but other files are"
                    + " in it now.");
        }
        return ExitCodes.CLEAN;
    }

    private String paths(List<String> directories) {
        return String.join(" and ", directories.stream().map(directory -> root.resolve(directory).toString())
                .toList());
    }
}
