package dev.virtlint.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The real QEMU/libvirt the oracle tests compare against. Each check skips the calling test with a
 * message when the piece is missing, so a plain {@code mvn test} on a laptop passes and says why.
 */
public final class RealStack {
    private static final String INSTALL_HINT = " (CI installs it with .ci/install-stack)";
    private static volatile boolean daemonChecked;

    private RealStack() {
    }

    /** Runs a command, returning its exit status and combined output; a timeout is a failure. */
    public record Result(int exitCode, String output) {
    }

    public static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", program));
    }

    public static void assumeQemu() {
        Assumptions.assumeTrue(onPath("qemu-system-x86_64"),
                "qemu-system-x86_64 is not installed: QEMU oracle skipped" + INSTALL_HINT);
    }

    /**
     * Needs {@code virsh} and a {@code qemu:///system} daemon; starts {@code libvirtd -d} when running as
     * root and none answers (CI runs as root on a fresh machine).
     */
    public static void assumeLibvirt() throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("virsh"), "virsh is not installed: libvirt oracle skipped" + INSTALL_HINT);
        if (!daemonChecked) {
            synchronized (RealStack.class) {
                if (!daemonChecked) {
                    startDaemonIfNeeded();
                    daemonChecked = true;
                }
            }
        }
        Result version = run(List.of("virsh", "-c", "qemu:///system", "version"), 30);
        Assumptions.assumeTrue(version.exitCode() == 0,
                "no libvirt daemon answers on qemu:///system: libvirt oracle skipped (" + version.output().strip() + ")");
    }

    /**
     * {@link #assumeLibvirt()} plus what {@code virsh start} needs beyond it: libvirt hands a guest's output to
     * virtlogd and refuses the start ("Failed to connect socket to '/run/libvirt/virtlogd-sock'") when none runs,
     * which is the state of a fresh CI machine. Starts {@code virtlogd -d} when it is missing.
     */
    public static void assumeGuestsCanStart() throws IOException, InterruptedException {
        assumeLibvirt();
        if (!virtlogdRunning()) {
            String virtlogd = Files.isExecutable(Path.of("/usr/sbin/virtlogd")) ? "/usr/sbin/virtlogd" : "virtlogd";
            run(List.of(virtlogd, "-d"), 30);
            for (int attempt = 0; attempt < 50 && !Files.exists(VIRTLOGD_SOCKET); attempt++) {
                Thread.sleep(100);
            }
        }
        Assumptions.assumeTrue(virtlogdRunning(),
                "virtlogd is not running and could not be started: guest starts skipped");
    }

    private static final Path VIRTLOGD_SOCKET = Path.of("/run/libvirt/virtlogd-sock");

    private static boolean virtlogdRunning() {
        return ProcessHandle.allProcesses().anyMatch(process -> process.info().command()
                .map(command -> command.endsWith("/virtlogd")).orElse(false));
    }

    private static void startDaemonIfNeeded() throws IOException, InterruptedException {
        if (run(List.of("virsh", "-c", "qemu:///system", "version"), 30).exitCode() == 0) {
            return;
        }
        String libvirtd = Files.isExecutable(Path.of("/usr/sbin/libvirtd")) ? "/usr/sbin/libvirtd" : "libvirtd";
        run(List.of(libvirtd, "-d"), 30);
        for (int attempt = 0; attempt < 50; attempt++) {
            if (run(List.of("virsh", "-c", "qemu:///system", "version"), 10).exitCode() == 0) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /** Splits a shell command line as virsh domxml-to-native prints it (single quotes, no escapes inside). */
    public static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                inWord = true;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
