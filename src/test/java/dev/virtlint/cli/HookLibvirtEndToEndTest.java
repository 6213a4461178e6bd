package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.RealStack;

/**
 * The hook in the real libvirtd: installed into this machine's /etc/libvirt/hooks/qemu.d, it stops the start of
 * a TCG guest virt-lint finds an error in (libvirt's error names the rule), lets a clean one start, follows
 * fail-open and fail-closed when its configuration is broken, and its uninstall leaves the hook directory as it
 * was. The hook runs the classes under test, by absolute path, as libvirt runs hooks: a separate process with a
 * minimal environment. libvirtd looks for hook scripts when it starts or reloads, so the test reloads it (SIGHUP)
 * after installing; it ends with the hook removed and the daemon running.
 */
@Tag("oracle")
class HookLibvirtEndToEndTest {
    private static final String URI = "qemu:///system";
    private static final Path HOOKS = Path.of("/etc/libvirt/hooks");
    private static final String BAD = "virt-lint-hook-e2e-bad";
    private static final String CLEAN = "virt-lint-hook-e2e-clean";

    @TempDir
    Path dir;

    @Test
    void theHookStopsWhatVirtLintFindsAndNothingElse() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: the hook end-to-end test installs into /etc/libvirt and is skipped");
        RealStack.assumeQemu();
        RealStack.assumeGuestsCanStart();
        Assumptions.assumeTrue(Files.isDirectory(HOOKS.getParent()), "no /etc/libvirt: hook test skipped");
        Assumptions.assumeTrue(!Files.exists(HOOKS.resolve("qemu.d/virt-lint")),
                "a virt-lint hook is installed on this machine already: hook test skipped, to leave it alone");
        Map<String, String> before = snapshot(HOOKS);
        Path config = dir.resolve("hook.yaml");
        Path bad = Files.writeString(dir.resolve(BAD + ".xml"), HookRunCommandTest.PHYS_BITS_TOO_LOW
                .replace("<name>bad</name>", "<name>" + BAD + "</name>"));
        Path clean = Files.writeString(dir.resolve(CLEAN + ".xml"), HookRunCommandTest.CLEAN
                .replace("<name>clean</name>", "<name>" + CLEAN + "</name>"));
        try {
            virsh("define", bad.toString());
            virsh("define", clean.toString());
            install(config, "fail-open");
            reloadDaemons();

            RealStack.Result refused = startUntilTheHookAnswers(BAD);
            assertNotEquals(0, refused.exitCode(), "the guest with an error started: " + refused.output());
            assertTrue(refused.output().contains("VL101 phys-bits-too-low"), refused.output());
            assertTrue(refused.output().contains("virsh dumpxml --inactive " + BAD + " > " + BAD + ".xml"),
                    refused.output());

            RealStack.Result started = virsh("start", CLEAN);
            assertEquals(0, started.exitCode(), "a clean guest must start: " + started.output());
            virsh("destroy", CLEAN);

            Files.writeString(config, "block-on: [error\n");
            RealStack.Result unchecked = virsh("start", CLEAN);
            assertEquals(0, unchecked.exitCode(), "fail-open lets the guest start: " + unchecked.output());
            virsh("destroy", CLEAN);

            install(config, "fail-closed");
            RealStack.Result closed = virsh("start", CLEAN);
            assertNotEquals(0, closed.exitCode(), "fail-closed refuses the start: " + closed.output());
            assertTrue(closed.output().contains("could not check guest '" + CLEAN + "'"), closed.output());
            assertTrue(closed.output().contains("(fail-closed)"), closed.output());

            CliRun removed = CliRun.run("hook", "uninstall");
            assertEquals(0, removed.exitCode(), removed.err());
            assertEquals(before, snapshot(HOOKS), "uninstall leaves the hook directory as it was");
            // Without the hook, QEMU itself refuses the guest, as VL101 said it would.
            RealStack.Result afterwards = virsh("start", BAD);
            assertTrue(!afterwards.output().contains("Hook script execution failed")
                    && afterwards.output().contains("phys-bits too low"), afterwards.output());
        } finally {
            virsh("destroy", BAD);
            virsh("destroy", CLEAN);
            virsh("undefine", BAD);
            virsh("undefine", CLEAN);
            if (Files.exists(HOOKS.resolve("qemu.d/virt-lint"))) {
                CliRun.run("hook", "uninstall");
            }
        }
    }

    /** The classes under test, as libvirt will run them: this JVM's java, this class path, a bounded heap. */
    private static void install(Path config, String mode) {
        String command = Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx256m -cp "
                + String.join(File.pathSeparator, List.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .stream().map(entry -> Path.of(entry).toAbsolutePath().toString()).toList()) + " " + Main.class.getName();
        CliRun installed = CliRun.run("hook", "install", "--command", command, "--config", config.toString(),
                "--on-internal-error", mode);
        assertEquals(0, installed.exitCode(), installed.err());
    }

    /** A start before the daemon has finished its reload may still run without hooks; a few tries settle it. */
    private static RealStack.Result startUntilTheHookAnswers(String name) throws Exception {
        RealStack.Result result = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            result = virsh("start", name);
            if (result.exitCode() != 0) {
                return result;
            }
            virsh("destroy", name);
            Thread.sleep(1000);
        }
        return result;
    }

    /** SIGHUP: libvirtd and virtqemud look for hook scripts again (libvirt's virHookInitialize), guests keep running. */
    private static void reloadDaemons() throws Exception {
        for (ProcessHandle process : ProcessHandle.allProcesses().toList()) {
            String name = process.info().command().map(command -> Path.of(command).getFileName().toString()).orElse("");
            if (name.equals("libvirtd") || name.equals("virtqemud")) {
                RealStack.run(List.of("kill", "-HUP", Long.toString(process.pid())), 10);
            }
        }
        Thread.sleep(1000);
    }

    private static RealStack.Result virsh(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", URI));
        command.addAll(List.of(args));
        return RealStack.run(command, 120);
    }

    /** Every path under {@code root} with its type, mode and content hash. */
    private static Map<String, String> snapshot(Path root) throws IOException, NoSuchAlgorithmException {
        Map<String, String> entries = new TreeMap<>();
        if (!Files.exists(root)) {
            return entries;
        }
        try (var walk = Files.walk(root)) {
            for (Path path : walk.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                String content = Files.isRegularFile(path) ? HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path))) : "directory";
                entries.put(root.relativize(path).toString(), mode + " " + content);
            }
        }
        return entries;
    }
}
