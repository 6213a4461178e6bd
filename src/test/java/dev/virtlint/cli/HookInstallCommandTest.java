package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;

/** {@code virt-lint hook install|uninstall|status} into a scratch root, and the script it writes, run by sh. */
class HookInstallCommandTest {
    @TempDir
    Path root;

    @BeforeEach
    void libvirtIsInstalled() throws IOException {
        Files.createDirectories(root.resolve("etc/libvirt"));
    }

    @Test
    void withoutLibvirtThereIsNothingToHookInto() throws IOException {
        Files.delete(root.resolve("etc/libvirt"));
        CliRun run = install("--command", "/bin/echo");
        assertEquals(2, run.exitCode());
        assertEquals("virt-lint hook install: there is no " + root.resolve("etc/libvirt") + ": install libvirt first\n",
                run.err());
    }

    @Test
    void theHookStartsWithTheArchiveThisJdkCanUse() throws IOException {
        Path jar = Files.createFile(root.resolve("virt-lint.jar"));
        assertEquals(List.of(), HookInstallCommand.startupArchiveOptions(jar));

        Files.createFile(root.resolve("virt-lint.jsa"));
        assertEquals(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + root.resolve("virt-lint.jsa"), "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off"), HookInstallCommand.startupArchiveOptions(jar));

        // An AOT cache of another JDK: JDK 17 would refuse its options, so there is none (a build makes one kind).
        Files.createFile(root.resolve("virt-lint.aot"));
        Files.writeString(root.resolve("virt-lint.aot.java-home"), "/opt/some-other-jdk\n");
        assertEquals(List.of(), HookInstallCommand.startupArchiveOptions(jar));

        Files.writeString(root.resolve("virt-lint.aot.java-home"),
                Path.of(System.getProperty("java.home")).toRealPath() + "\n");
        assertEquals(List.of("-XX:AOTCache=" + root.resolve("virt-lint.aot"), "-Xlog:aot=off", "-Xlog:cds=off"),
                HookInstallCommand.startupArchiveOptions(jar));
    }

    private Path script() {
        return root.resolve("etc/libvirt/hooks/qemu.d/virt-lint");
    }

    private CliRun install(String... extra) {
        String[] args = new String[extra.length + 4];
        System.arraycopy(new String[] {"hook", "install", "--root", root.toString()}, 0, args, 0, 4);
        System.arraycopy(extra, 0, args, 4, extra.length);
        return CliRun.run(args);
    }

    /** Runs the installed script as libvirt would, with the XML on standard input. */
    private static Result runScript(Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        try (var stdin = process.getOutputStream()) {
            stdin.write("<domain/>".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The script exited without reading, as it may: libvirt ignores the broken pipe too.
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Result(process.exitValue(), out, err);
    }

    private record Result(int exitCode, String out, String err) {
    }

    @Test
    void installIntoAnEmptyRootThenUninstallLeavesNothing() throws Exception {
        CliRun installed = install("--command", "/bin/echo");
        assertEquals(0, installed.exitCode(), installed.err());
        assertTrue(installed.out().contains("Installed " + script()), installed.out());
        assertTrue(installed.out().contains("systemctl reload libvirtd"), installed.out());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(script())));

        CliRun removed = CliRun.run("hook", "uninstall", "--root", root.toString());
        assertEquals(0, removed.exitCode(), removed.err());
        assertTrue(removed.out().contains("Removed " + root.resolve("etc/libvirt/hooks/qemu.d") + " and "
                + root.resolve("etc/libvirt/hooks")), removed.out());
        assertTrue(Files.isDirectory(root.resolve("etc/libvirt")));
        assertFalse(Files.exists(root.resolve("etc/libvirt/hooks")));
    }

    @Test
    void anotherHookStaysAsItWasAndTheDirectoryStays() throws Exception {
        Path directory = Files.createDirectories(root.resolve("etc/libvirt/hooks/qemu.d"));
        Path theirs = Files.writeString(directory.resolve("10-gpu-detach"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxr-x---"));
        CliRun installed = install("--command", "/bin/echo");
        assertEquals(0, installed.exitCode(), installed.err());
        assertTrue(installed.out().contains("libvirt already runs the qemu hooks in this directory"), installed.out());
        CliRun status = CliRun.run("hook", "status", "--root", root.toString());
        assertTrue(status.out().contains("beside    " + theirs), status.out());

        assertEquals(0, CliRun.run("hook", "uninstall", "--root", root.toString()).exitCode());
        assertEquals(List.of(theirs), Files.list(directory).toList());
        assertEquals("#!/bin/sh\nexit 0\n", Files.readString(theirs));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(theirs)));
    }

    @Test
    void aDirectoryTheInstallCreatedStaysWhenSomethingElseMovedIn() throws Exception {
        assertEquals(0, install("--command", "/bin/echo").exitCode());
        assertEquals(0, install("--command", "/bin/echo", "--on-internal-error", "fail-closed").exitCode(),
                "installing again updates the script and still knows it created the directories");
        Path theirs = Files.writeString(root.resolve("etc/libvirt/hooks/qemu.d/later"), "x");
        CliRun removed = CliRun.run("hook", "uninstall", "--root", root.toString());
        assertEquals(0, removed.exitCode(), removed.err());
        assertTrue(removed.out().contains("Kept " + root.resolve("etc/libvirt/hooks/qemu.d") + " and "
                + root.resolve("etc/libvirt/hooks")), removed.out());
        assertTrue(Files.exists(theirs));
        assertFalse(Files.exists(script()));
    }

    @Test
    void aFileVirtLintDidNotWriteIsNeverReplacedOrRemoved() throws Exception {
        Path directory = Files.createDirectories(root.resolve("etc/libvirt/hooks/qemu.d"));
        Files.writeString(directory.resolve("virt-lint"), "#!/bin/sh\n# mine\n");
        CliRun installed = install("--command", "/bin/echo");
        assertEquals(2, installed.exitCode());
        assertTrue(installed.err().startsWith("virt-lint hook install: " + script() + " exists and virt-lint did not"
                + " write it"), installed.err());
        CliRun removed = CliRun.run("hook", "uninstall", "--root", root.toString());
        assertEquals(2, removed.exitCode());
        assertEquals("#!/bin/sh\n# mine\n", Files.readString(script()));
        assertEquals(1, CliRun.run("hook", "status", "--root", root.toString()).exitCode());
    }

    @Test
    void uninstallWithNothingInstalledIsFine() {
        CliRun removed = CliRun.run("hook", "uninstall", "--root", root.toString());
        assertEquals(0, removed.exitCode(), removed.err());
        assertTrue(removed.out().startsWith("No virt-lint hook is installed"), removed.out());
    }

    @Test
    void theCommandMustBeAnAbsoluteProgramThatExists() {
        for (String command : new String[] {"java -jar virt-lint.jar", "/no/such/java -jar x.jar"}) {
            CliRun run = install("--command", command);
            assertEquals(2, run.exitCode(), command);
            assertTrue(run.err().startsWith("virt-lint hook install: --command must start with the absolute path"),
                    run.err());
        }
        CliRun heap = install("--max-heap", "lots");
        assertEquals(2, heap.exitCode());
        assertTrue(heap.err().contains("--max-heap lots is not a size"), heap.err());
        assertFalse(Files.exists(script()));
    }

    @Test
    void theScriptRunsVirtLintOnlyAtPrepareBeginWithLibvirtsArguments() throws Exception {
        assertEquals(0, install("--command", "/bin/echo with 'quotes' and $dollars", "--config", "/etc/x y/hook.yaml")
                .exitCode());
        Result prepare = runScript(script(), "win11", "prepare", "begin", "-");
        assertEquals(0, prepare.exitCode(), prepare.err());
        assertEquals("with 'quotes' and $dollars hook run --config /etc/x y/hook.yaml win11 prepare begin -\n",
                prepare.out());
        for (String[] other : new String[][] {{"start", "begin"}, {"stopped", "end"}, {"release", "end"}}) {
            Result result = runScript(script(), "win11", other[0], other[1], "-");
            assertEquals(0, result.exitCode());
            assertEquals("", result.out(), "no virt-lint at " + other[0]);
        }
    }

    @Test
    void aVanishedProgramFailsOpenOrClosedAsInstalled() throws Exception {
        Path program = Files.writeString(root.resolve("java"), "#!/bin/sh\nexit 7\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(0, install("--command", program.toString()).exitCode());
        Files.delete(program);
        Result open = runScript(script(), "win11", "prepare", "begin", "-");
        assertEquals(0, open.exitCode());
        assertTrue(open.err().contains("is gone, so guest 'win11' starts unchecked (fail-open)"), open.err());

        Files.writeString(program, "#!/bin/sh\nexit 7\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(0, install("--command", program.toString(), "--on-internal-error", "fail-closed").exitCode());
        Files.delete(program);
        Result closed = runScript(script(), "win11", "prepare", "begin", "-");
        assertEquals(1, closed.exitCode());
        assertTrue(closed.err().contains("is not started (fail-closed)"), closed.err());
    }

    @Test
    void statusSaysWhatItRunsAndChecks() throws Exception {
        Path config = Files.writeString(root.resolve("hook.yaml"), "skip-domains: [lab]\ntimeout: 2s\n");
        assertEquals(1, CliRun.run("hook", "status", "--root", root.toString()).exitCode(), "not installed yet");
        assertEquals(0, install("--command", "/bin/echo", "--config", config.toString()).exitCode());
        CliRun status = CliRun.run("hook", "status", "--root", root.toString());
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("hook      " + script() + "\n"), status.out());
        assertTrue(status.out().contains("runs      /bin/echo hook run --config " + config + "\n"), status.out());
        assertTrue(status.out().contains("config    " + config + "\n"), status.out());
        assertTrue(status.out().contains("skips     lab\n"), status.out());
        assertTrue(status.out().contains("failure   fail-open (an internal error or a timeout of 2000 ms"),
                status.out());
        assertTrue(status.out().contains("stack     QEMU "), status.out());
    }

    @Test
    void theDefaultCommandIsThisJavaWithABoundedHeap() throws IOException {
        assertEquals(0, install("--max-heap", "192m").exitCode());
        String text = Files.readString(script());
        assertTrue(text.contains("program=" + Path.of(System.getProperty("java.home"), "bin", "java") + "\n"), text);
        assertTrue(text.contains("exec \"$program\" -Xmx192m -XX:+UseSerialGC"), text);
        assertTrue(text.contains(" dev.virtlint.cli.Main hook run \"$@\"\n"), text);
    }
}
