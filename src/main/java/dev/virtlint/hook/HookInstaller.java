package dev.virtlint.hook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.fix.AtomicFileWriter;

/**
 * Puts the hook script into libvirt's {@code hooks/qemu.d} under a root ({@code /}, or a scratch tree for tests and
 * packaging) and takes it out again. It never touches another file there: a file of the same name that virt-lint
 * did not write is left alone and reported, and on uninstall a directory goes only if the install created it and
 * nothing else has been put in it since.
 */
public final class HookInstaller {
    /** Where libvirt looks for the qemu driver's hooks (libvirt 6.5 and later run every executable in it). */
    public static final String HOOK_DIRECTORY = "etc/libvirt/hooks/qemu.d";
    public static final String SCRIPT_NAME = "virt-lint";
    private static final List<String> DIRECTORIES = List.of("etc/libvirt/hooks", HOOK_DIRECTORY);

    private final Path root;

    public HookInstaller(Path root) {
        this.root = root;
    }

    public Path script() {
        return root.resolve(HOOK_DIRECTORY).resolve(SCRIPT_NAME);
    }

    /** A file in the way that virt-lint did not write, or a file system error, in words. */
    public static final class HookInstallException extends Exception {
        private static final long serialVersionUID = 1L;

        HookInstallException(String message) {
            super(message);
        }
    }

    /**
     * What an install did. {@code libvirtAlreadySeesHooks}: there was another qemu hook, so a running libvirt
     * daemon already looks into the directory at every start; without one, a daemon started before the install
     * has to be reloaded or restarted to look at all.
     */
    public record Installed(Path script, boolean replaced, List<String> createdDirectories,
                            boolean libvirtAlreadySeesHooks) {
    }

    public Installed install(List<String> command, Optional<String> config, Optional<FailureMode> failureMode)
            throws HookInstallException {
        Path script = script();
        Optional<HookScript.Installed> previous = installed();
        if (previous.isEmpty() && Files.exists(script)) {
            throw new HookInstallException(script + " exists and virt-lint did not write it; it is left as it is"
                    + " (move it away to install virt-lint's hook)");
        }
        if (!Files.isDirectory(root.resolve("etc/libvirt"))) {
            throw new HookInstallException("there is no " + root.resolve("etc/libvirt") + ": install libvirt first");
        }
        boolean seesHooks = otherHookPresent();
        Set<String> created = new LinkedHashSet<>(previous.map(HookScript.Installed::createdDirectories)
                .orElse(List.of()));
        try {
            for (String directory : DIRECTORIES) {
                Path path = root.resolve(directory);
                if (!Files.isDirectory(path)) {
                    Files.createDirectory(path);
                    created.add(directory);
                }
            }
            HookScript hook = new HookScript(command, config, failureMode, List.copyOf(created));
            AtomicFileWriter.write(script, hook.render().getBytes(StandardCharsets.UTF_8));
            // Executable only once complete: libvirt skips files it cannot execute.
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new HookInstallException("cannot install " + script + ": " + AtomicFileWriter.reason(e)
                    + (isPermissionProblem(e) ? " (run it as root)" : ""));
        }
        return new Installed(script, previous.isPresent(), List.copyOf(created), seesHooks);
    }

    /** What an uninstall did: whether there was a hook, and the directories it removed or had to keep. */
    public record Removed(boolean wasInstalled, List<String> removedDirectories, List<String> keptDirectories) {
    }

    public Removed uninstall() throws HookInstallException {
        Path script = script();
        Optional<HookScript.Installed> installed = installed();
        if (installed.isEmpty()) {
            if (Files.exists(script)) {
                throw new HookInstallException(script + " was not written by virt-lint; it is left as it is");
            }
            return new Removed(false, List.of(), List.of());
        }
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        try {
            Files.delete(script);
            List<String> created = new ArrayList<>(installed.get().createdDirectories());
            // Innermost first: hooks/ can only go once qemu.d has.
            for (int i = created.size() - 1; i >= 0; i--) {
                Path directory = root.resolve(created.get(i));
                if (isEmptyDirectory(directory)) {
                    Files.delete(directory);
                    removed.add(created.get(i));
                } else if (Files.isDirectory(directory)) {
                    kept.add(created.get(i));
                }
            }
        } catch (IOException e) {
            throw new HookInstallException("cannot uninstall " + script + ": " + AtomicFileWriter.reason(e)
                    + (isPermissionProblem(e) ? " (run it as root)" : ""));
        }
        return new Removed(true, removed, kept);
    }

    /** The script virt-lint installed, if there is one. */
    public Optional<HookScript.Installed> installed() throws HookInstallException {
        Path script = script();
        if (!Files.isRegularFile(script)) {
            return Optional.empty();
        }
        try {
            return HookScript.parse(Files.readString(script, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HookInstallException("cannot read " + script + ": " + AtomicFileWriter.reason(e));
        }
    }

    /** The other executable qemu hooks: the single {@code qemu} script and the files beside ours in qemu.d. */
    public List<Path> otherHooks() {
        List<Path> others = new ArrayList<>();
        Path single = root.resolve("etc/libvirt/hooks/qemu");
        if (Files.isRegularFile(single) && Files.isExecutable(single)) {
            others.add(single);
        }
        Path directory = root.resolve(HOOK_DIRECTORY);
        if (Files.isDirectory(directory)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                for (Path entry : entries) {
                    if (!entry.getFileName().toString().equals(SCRIPT_NAME) && Files.isRegularFile(entry)
                            && Files.isExecutable(entry)) {
                        others.add(entry);
                    }
                }
            } catch (IOException e) {
                // An unreadable directory lists nothing here; the install reports the real problem when it writes.
            }
        }
        others.sort(null);
        return others;
    }

    private boolean otherHookPresent() {
        return !otherHooks().isEmpty();
    }

    private static boolean isEmptyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            return !entries.iterator().hasNext();
        }
    }

    private static boolean isPermissionProblem(IOException e) {
        return e instanceof AccessDeniedException
                || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("permission denied");
    }
}
