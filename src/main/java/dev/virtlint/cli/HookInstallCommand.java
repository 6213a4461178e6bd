package dev.virtlint.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import dev.virtlint.hook.FailureMode;
import dev.virtlint.hook.HookInstaller;
import dev.virtlint.hook.HookInstaller.HookInstallException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "install", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Install the libvirt hook (as root): writes " + "/" + HookInstaller.HOOK_DIRECTORY + "/"
                    + HookInstaller.SCRIPT_NAME + ", a small script that runs 'virt-lint hook run' at each start of"
                    + " a QEMU guest, with this Java and this virt-lint by absolute path (libvirt gives hooks a"
                    + " minimal environment) and a bounded heap. No other file there is touched; running it again"
                    + " updates the script.",
            "libvirt looks for hooks when its daemon starts: when no qemu hook was there before, reload libvirtd (or"
                    + " virtqemud) once, as the command says."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  sudo virt-lint hook install",
            "  sudo virt-lint hook install --on-internal-error fail-closed   refuse starts virt-lint cannot check",
            "  virt-lint hook install --root /tmp/image   into an image or package tree",
            "",
            "Exit status: 0 installed; 2 a file virt-lint did not write is in the way, or it cannot be written."
        })
final class HookInstallCommand implements Callable<Integer> {
    /** A heap size as java's -Xmx takes it. */
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

    @Spec
    private CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Install under DIR instead of / (an image, a package's staging tree, a test).")
    private Path root;

    @Option(names = "--command", paramLabel = "COMMAND",
            description = "The virt-lint command the hook runs, as words separated by spaces, the first an absolute"
                    + " path (default: this Java with --max-heap and this virt-lint's class path).")
    private String command;

    @Option(names = "--max-heap", paramLabel = "SIZE", defaultValue = "256m",
            description = "The heap the hook's Java may use, as -Xmx takes it (default: ${DEFAULT-VALUE}).")
    private String maxHeap;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The configuration the hook reads (default: /etc/virt-lint/hook.yaml).")
    private Path config;

    @Option(names = "--on-internal-error", paramLabel = "MODE", converter = HookRunCommand.FailureModeConverter.class,
            description = "fail-open or fail-closed where the configuration does not say or cannot be read, and when"
                    + " the installed Java is gone (default: fail-open).")
    private FailureMode onInternalError;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!HEAP.matcher(maxHeap).matches()) {
            return usage(err, "--max-heap " + maxHeap + " is not a size such as 256m or 1g");
        }
        List<String> words = command == null ? thisVirtLint() : Arrays.asList(command.strip().split("\\s+"));
        if (words.isEmpty() || !Path.of(words.get(0)).isAbsolute() || !Files.isExecutable(Path.of(words.get(0)))) {
            return usage(err, "--command must start with the absolute path of a program that exists: libvirt runs"
                    + " hooks with a minimal PATH");
        }
        HookInstaller installer = new HookInstaller(root);
        HookInstaller.Installed installed;
        try {
            installed = installer.install(words,
                    Optional.ofNullable(config).map(file -> file.toAbsolutePath().toString()),
                    Optional.ofNullable(onInternalError));
        } catch (HookInstallException e) {
            err.println("virt-lint hook install: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        out.println((installed.replaced() ? "Updated " : "Installed ") + installed.script() + ".");
        if (!installed.createdDirectories().isEmpty()) {
            out.println("Created " + String.join(" and ", installed.createdDirectories().stream()
                    .map(directory -> root.resolve(directory).toString()).toList())
                    + "; 'virt-lint hook uninstall' removes it again while it is empty.");
        }
        if (installed.libvirtAlreadySeesHooks()) {
            out.println("libvirt already runs the qemu hooks in this directory, so the next start is checked.");
        } else {
            out.println("libvirt looks for qemu hooks when its daemon starts and found none then: reload it once so"
                    + " that it runs this one: systemctl reload libvirtd (on modular daemons: systemctl reload"
                    + " virtqemud), or restart it.");
        }
        return ExitCodes.CLEAN;
    }

    /** This Java and the class path this virt-lint runs from, with the launcher's start-up options. */
    private List<String> thisVirtLint() {
        List<String> words = new ArrayList<>();
        words.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        words.add("-Xmx" + maxHeap);
        // As bin/virt-lint starts it: the serial collector and C1 start fastest, and no hsperfdata file is written.
        words.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"));
        List<String> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString()).toList();
        if (classPath.size() == 1 && classPath.get(0).endsWith(".jar")) {
            words.addAll(startupArchiveOptions(Path.of(classPath.get(0))));
        }
        words.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), Main.class.getName()));
        return words;
    }

    /**
     * The start-up archive {@code mvn package} built beside the jar, passed as bin/virt-lint passes it: the AOT cache
     * only to the JDK that built it (this one, when it is), else the class-data-sharing archive.
     */
    static List<String> startupArchiveOptions(Path jar) {
        Path cache = jar.resolveSibling("virt-lint.aot");
        Path cacheJdk = jar.resolveSibling("virt-lint.aot.java-home");
        if (Files.isRegularFile(cache) && Files.isRegularFile(cacheJdk)) {
            try {
                if (Path.of(Files.readString(cacheJdk).strip()).equals(Path.of(System.getProperty("java.home"))
                        .toRealPath())) {
                    return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
                }
            } catch (IOException unreadable) {
                // An archive that cannot be matched to this JDK is left out: it only makes start-up faster.
            }
            return List.of();
        }
        Path archive = jar.resolveSibling("virt-lint.jsa");
        if (Files.isRegularFile(archive)) {
            return List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }
        return List.of();
    }

    private static int usage(PrintWriter err, String message) {
        err.println("virt-lint hook install: " + message);
        err.println("Try 'virt-lint hook install --help' for more information.");
        return ExitCodes.USAGE_OR_INPUT;
    }
}
