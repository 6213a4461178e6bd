package dev.virtlint.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the QEMU, libvirt and OVMF versions a domain will meet. On the live host ({@code --host-root /}) it
 * asks the tools, each with a short timeout; for any other root it reads {@value #STACK_FILE}, which
 * {@link HostSnapshot} writes beside the captured files. Either way, an OVMF version still unknown is taken
 * from the firmware descriptors when a descriptor's image path or description names an edk2 release.
 */
public final class StackDetector {
    public static final String STACK_FILE = "virt-lint-stack.properties";
    static final String QEMU = "qemu";
    static final String LIBVIRT = "libvirt";
    static final String OVMF = "ovmf";
    private static final Set<String> KEYS = Set.of(QEMU, LIBVIRT, OVMF);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_OUTPUT = 64 * 1024;

    /**
     * The version and, where the packager set one, the package in parentheses ({@code 10.0.2 (Debian
     * 1:10.0.2+ds-2+deb13u1~bpo12+1)}), which says whose build it is and so which machine types it has.
     */
    private static final Pattern QEMU_VERSION =
            Pattern.compile("QEMU emulator version (\\d+\\.\\d+(?:\\.\\d+)?(?: \\([^)\\n]*\\))?)");
    private static final Pattern LIBVIRT_VERSION = Pattern.compile("(?:^|\\s)(\\d+\\.\\d+\\.\\d+)\\s*$");
    /** {@code edk2-stable202211}, Nix's {@code …-OVMF-202411-fd/…}, {@code edk2-ovmf-20230524}. */
    private static final Pattern EDK2_RELEASE =
            Pattern.compile("(?i)(?:edk2|ovmf)[-_](?:stable)?(20\\d\\d)\\.?(\\d\\d)");

    /** Runs a program; the tests substitute canned answers. */
    @FunctionalInterface
    interface CommandRunner {
        /** Throws {@link IOException} when the program cannot be started (usually: not installed). */
        CommandResult run(List<String> command, Duration timeout) throws IOException, CommandTimeoutException;
    }

    record CommandResult(int exitCode, String stdout) {
    }

    static final class CommandTimeoutException extends Exception {
        CommandTimeoutException() {
            super(null, null, false, false);
        }
    }

    private final CommandRunner runner;

    public StackDetector() {
        this(StackDetector::runProcess);
    }

    StackDetector(CommandRunner runner) {
        this.runner = runner;
    }

    public DetectedStack detect(Path root, HostFacts facts) {
        return detect(root, () -> facts);
    }

    /**
     * As {@link #detect(Path, HostFacts)}, with the host facts asked for only when the tools do not name the OVMF
     * release, so that a caller can read them while the tools answer.
     */
    public DetectedStack detect(Path root, Supplier<HostFacts> facts) {
        List<HostWarning> warnings = new ArrayList<>();
        Optional<String> qemu;
        Optional<String> libvirt;
        Optional<String> ovmf;
        if (isLiveRoot(root)) {
            // Each tool on its own thread: every answer is a process start of 10-20 ms, and a run with host facts
            // (the libvirt hook's, before each guest start) would otherwise wait for them one after another.
            List<HostWarning> libvirtWarnings = new ArrayList<>();
            List<HostWarning> ovmfWarnings = new ArrayList<>();
            FutureTask<Optional<String>> libvirtAnswer = inBackground(() -> ask(List.of("virsh", "--version"),
                    LIBVIRT_VERSION, libvirtWarnings)
                    .or(() -> ask(List.of("libvirtd", "--version"), LIBVIRT_VERSION, libvirtWarnings)));
            // From 2025.11 Debian's firmware files are in ovmf-generic and ovmf is a metapackage that need not be
            // installed (nor be the same version: it depends on ovmf-generic unversioned).
            FutureTask<Optional<String>> ovmfAnswer = inBackground(() -> packageVersion(
                    List.of("dpkg-query", "-W", "-f=${Version}", "ovmf-generic"), ovmfWarnings)
                    .or(() -> packageVersion(List.of("dpkg-query", "-W", "-f=${Version}", "ovmf"), ovmfWarnings))
                    .or(() -> packageVersion(List.of("rpm", "-q", "--qf", "%{VERSION}-%{RELEASE}", "edk2-ovmf"),
                            ovmfWarnings)));
            qemu = ask(List.of("qemu-system-x86_64", "--version"), QEMU_VERSION, warnings);
            libvirt = await(libvirtAnswer);
            ovmf = await(ovmfAnswer);
            warnings.addAll(libvirtWarnings);
            warnings.addAll(ovmfWarnings);
        } else {
            Properties stack = readStackFile(new RootFiles(root, warnings), warnings);
            qemu = value(stack, QEMU);
            libvirt = value(stack, LIBVIRT);
            ovmf = value(stack, OVMF);
        }
        ovmf = ovmf.or(() -> fromDescriptors(facts.get().firmware().orElse(List.of())));
        return new DetectedStack(qemu, libvirt, ovmf, warnings);
    }

    private static FutureTask<Optional<String>> inBackground(Callable<Optional<String>> question) {
        FutureTask<Optional<String>> answer = new FutureTask<>(question);
        Thread thread = new Thread(answer, "virt-lint stack detection");
        thread.setDaemon(true);
        thread.start();
        return answer;
    }

    private static Optional<String> await(FutureTask<Optional<String>> answer) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    /** The filesystem root itself, however it was spelled ({@code /}, {@code /.}, a link to {@code /}). */
    static boolean isLiveRoot(Path root) {
        try {
            return root.toRealPath().getParent() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<String> ask(List<String> command, Pattern version, List<HostWarning> warnings) {
        return run(command, warnings).flatMap(output -> {
            Matcher matcher = version.matcher(output.strip());
            if (matcher.find()) {
                return Optional.of(matcher.group(1));
            }
            warnings.add(new HostWarning(String.join(" ", command), "printed no version number: "
                    + HostFormats.quote(output.strip())));
            return Optional.empty();
        });
    }

    /** Package managers say "not installed" with a non-zero status, which is an answer, not a problem. */
    private Optional<String> packageVersion(List<String> command, List<HostWarning> warnings) {
        return run(command, warnings).map(String::strip).filter(version -> !version.isEmpty());
    }

    private Optional<String> run(List<String> command, List<HostWarning> warnings) {
        try {
            CommandResult result = runner.run(command, TIMEOUT);
            return result.exitCode() == 0 ? Optional.of(result.stdout()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (CommandTimeoutException e) {
            warnings.add(new HostWarning(String.join(" ", command),
                    "no answer within " + TIMEOUT.toSeconds() + " s; stopped it"));
            return Optional.empty();
        }
    }

    static Properties readStackFile(RootFiles files, List<HostWarning> warnings) {
        Properties stack = new Properties();
        files.read(STACK_FILE).ifPresent(text -> {
            try {
                stack.load(new StringReader(text));
            } catch (IOException | IllegalArgumentException e) {
                warnings.add(new HostWarning(STACK_FILE, "not a properties file: " + e.getMessage()));
                stack.clear();
                return;
            }
            for (String key : stack.stringPropertyNames()) {
                if (!KEYS.contains(key)) {
                    warnings.add(new HostWarning(STACK_FILE,
                            "unknown key '" + key + "' (expected qemu, libvirt, ovmf)"));
                }
            }
        });
        return stack;
    }

    private static Optional<String> value(Properties stack, String key) {
        return Optional.ofNullable(stack.getProperty(key)).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** {@code 2022.11}, the form Debian's upstream version uses, from the first descriptor that names a release. */
    static Optional<String> fromDescriptors(List<FirmwareDescriptor> descriptors) {
        for (FirmwareDescriptor descriptor : descriptors) {
            for (Optional<String> text : List.of(descriptor.executable(), descriptor.description())) {
                Optional<Matcher> release = text.map(EDK2_RELEASE::matcher).filter(Matcher::find);
                if (release.isPresent()) {
                    return Optional.of(release.get().group(1) + "." + release.get().group(2));
                }
            }
        }
        return Optional.empty();
    }

    /** Standard error is discarded (tools print locale and connection noise there); the locale is C. */
    private static CommandResult runProcess(List<String> command, Duration timeout)
            throws IOException, CommandTimeoutException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        try (InputStream out = process.getInputStream()) {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CommandTimeoutException();
            }
            byte[] bytes = out.readNBytes(MAX_OUTPUT);
            return new CommandResult(process.exitValue(), new String(bytes, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandTimeoutException();
        } finally {
            process.destroyForcibly();
        }
    }
}
