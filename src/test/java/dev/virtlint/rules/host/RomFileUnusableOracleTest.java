package dev.virtlint.rules.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostRootReader;
import dev.virtlint.host.QemuIdentity;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.Severity;
import dev.virtlint.support.OracleStacks;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * VL605 against QEMU and libvirt. Each case puts a ROM file (missing, empty, without an image, behind a closed
 * directory, …) on this machine, lints a domain naming it against this machine's own root, and starts QEMU with the
 * file as a PCI device's romfile. The cases about permissions run the installed QEMU as the user libvirt runs QEMU as
 * (setpriv with that user's uid and groups, as libvirt's DAC driver gives them; the test needs root); a QEMU from the
 * stack cache under root's home cannot run as that user, so it runs the other cases as root. QEMU loads every PCI
 * device's romfile the same way (pci_add_option_rom, hw/pci/pci.c; vfio-pci leaves a given romfile to it), so an
 * emulated e1000 stands in for the host device this machine does not have. VL605 must give an error exactly where
 * QEMU refuses, and where QEMU prints a line about the file the message must quote it.
 */
@Tag("oracle")
class RomFileUnusableOracleTest {
    private static final int MIB = 1 << 20;

    /** A file, the bar setting a domain names it with, and whether QEMU's user decides the outcome. */
    private record Case(String name, Path file, boolean barOff, boolean aboutPermissions) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0", "7.2"})
    void vl605GivesAnErrorExactlyWhereQemuRefusesTheRomFile(String series) throws Exception {
        OracleStacks.Qemu qemu = OracleStacks.assumeQemu(Version.parse(series));
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: QEMU cannot be started as libvirt's QEMU user, ROM oracle skipped");
        HostFacts live = HostRootReader.read(Path.of("/"));
        Optional<QemuIdentity> user = live.qemuProcess().identity().filter(identity -> !identity.isRoot());
        Assumptions.assumeTrue(user.isPresent(), "this machine's qemu.conf names no unprivileged QEMU user: ROM"
                + " oracle skipped");
        Path dir = Files.createTempDirectory("virt-lint-vl605-");
        try {
            List<Case> cases = cases(dir);
            Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                    LintEnvironment.of(TargetStack.defaults(), Optional.of(live)));
            List<String> mismatches = new ArrayList<>();
            boolean installed = !qemu.program().contains("/");
            for (Case romCase : cases) {
                if (romCase.aboutPermissions() && !installed) {
                    continue;
                }
                Optional<Finding> finding = linter.lint(romCase.name(), new java.io.ByteArrayInputStream(
                        domain(romCase).getBytes(StandardCharsets.UTF_8))).findings().stream()
                        .filter(f -> f.rule().id().equals("VL605")).findFirst();
                String output = runQemu(qemu, romCase.aboutPermissions() ? user : Optional.empty(), romCase);
                boolean refused = !output.startsWith("started");
                boolean error = finding.map(f -> f.severity() == Severity.ERROR).orElse(false);
                if (refused != error) {
                    mismatches.add(romCase.name() + ": QEMU " + series + " " + (refused ? "refuses" : "starts")
                            + " (" + output.strip() + "), VL605 " + finding.map(f -> f.severity() + ": "
                            + f.message()).orElse("says nothing"));
                } else if (finding.isPresent() && !output.replaceFirst("^started", "").isBlank()
                        && quoted(finding.get().message(), output).isEmpty()) {
                    mismatches.add(romCase.name() + ": VL605 quotes no line QEMU " + series + " printed: '"
                            + finding.get().message() + "' vs '" + output.strip() + "'");
                }
            }
            assertEquals(List.of(), mismatches);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * libvirt hands QEMU the path as it is: it does not relabel ROM files (src/security/security_dac.c has no case
     * for them), so a ROM behind a directory closed to QEMU's user stops the start while the same file in an open
     * directory does not. A transient guest with an emulated e1000 and the ROM is created, then destroyed.
     */
    @Test
    void libvirtLeavesRomFilesAsTheyAreSoQemusUserMustReachThem() throws Exception {
        RealStack.assumeGuestsCanStart();
        HostFacts live = HostRootReader.read(Path.of("/"));
        Assumptions.assumeTrue(live.qemuProcess().identity().filter(identity -> !identity.isRoot()).isPresent(),
                "this machine's qemu.conf names no unprivileged QEMU user: libvirt ROM oracle skipped");
        Path dir = Files.createTempDirectory("virt-lint-vl605-libvirt-");
        try {
            List<Case> cases = cases(dir).stream().filter(romCase -> romCase.name().equals("good-as-qemu-user")
                    || romCase.name().equals("directory-closed-to-qemu")).toList();
            Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                    LintEnvironment.of(TargetStack.defaults(), Optional.of(live)));
            for (Case romCase : cases) {
                String name = "virt-lint-vl605-" + romCase.name();
                Path xml = dir.resolve(name + ".xml");
                Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>64</memory>"
                        + "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices><interface type='user'>"
                        + "<model type='e1000'/><rom file='" + romCase.file() + "'/></interface></devices></domain>");
                RealStack.Result created = RealStack.run(List.of("virsh", "-c", "qemu:///system", "create",
                        xml.toString()), 120);
                RealStack.run(List.of("virsh", "-c", "qemu:///system", "destroy", name), 60);
                Optional<Finding> finding = linter.lint(name, new java.io.ByteArrayInputStream(domain(romCase)
                        .getBytes(StandardCharsets.UTF_8))).findings().stream()
                        .filter(f -> f.rule().id().equals("VL605")).findFirst();
                boolean error = finding.map(f -> f.severity() == Severity.ERROR).orElse(false);
                assertEquals(created.exitCode() != 0, error, romCase.name() + ": virsh create said '"
                        + created.output().strip() + "', VL605 " + finding.map(Finding::message).orElse("nothing"));
                if (error) {
                    assertTrue(quoted(finding.get().message(), created.output()).isPresent(), created.output());
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static List<Case> cases(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path open = Files.createDirectory(dir.resolve("open"));
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Files.write(open.resolve("good.rom"), image(0, MIB));
        Files.write(open.resolve("header.rom"), image(1536, MIB));
        Files.write(open.resolve("no-image.rom"), new byte[MIB]);
        Files.write(open.resolve("empty.rom"), new byte[0]);
        Files.write(open.resolve("owner-only.rom"), image(0, MIB));
        Files.write(closed.resolve("good.rom"), image(0, MIB));
        Files.setPosixFilePermissions(open.resolve("owner-only.rom"), PosixFilePermissions.fromString("rw-------"));
        for (Path file : List.of(open.resolve("good.rom"), open.resolve("header.rom"), open.resolve("no-image.rom"),
                open.resolve("empty.rom"), closed.resolve("good.rom"))) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        return List.of(new Case("good", open.resolve("good.rom"), false, false),
                new Case("image-after-a-header", open.resolve("header.rom"), false, false),
                new Case("no-image", open.resolve("no-image.rom"), false, false),
                new Case("empty", open.resolve("empty.rom"), false, false),
                new Case("missing", open.resolve("missing.rom"), false, false),
                new Case("missing-with-bar-off", open.resolve("missing.rom"), true, false),
                new Case("a-directory", open, false, false),
                new Case("good-as-qemu-user", open.resolve("good.rom"), false, true),
                new Case("file-closed-to-qemu", open.resolve("owner-only.rom"), false, true),
                new Case("directory-closed-to-qemu", closed.resolve("good.rom"), false, true));
    }

    private static String domain(Case romCase) {
        return "<domain type='qemu'><name>" + romCase.name() + "</name><memory unit='MiB'>128</memory>"
                + "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os><devices>"
                + "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01'"
                + " slot='0x00' function='0x0'/></source><rom" + (romCase.barOff() ? " bar='off'" : "") + " file='"
                + romCase.file() + "'/></hostdev></devices></domain>";
    }

    /**
     * "started" and QEMU's lines about ROM files when it reaches its monitor, else those lines; as {@code user} when
     * given.
     */
    private static String runQemu(OracleStacks.Qemu qemu, Optional<QemuIdentity> user, Case romCase)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        user.ifPresent(who -> command.addAll(List.of("setpriv", "--reuid=" + who.uid(), "--regid=" + who.gid(),
                "--groups=" + who.groups().stream().map(String::valueOf).collect(Collectors.joining(",")))));
        command.addAll(qemu.commandLine(List.of("-machine", "q35,accel=tcg", "-nodefaults", "-display", "none", "-S",
                "-netdev", "user,id=n0", "-device", "e1000,netdev=n0,romfile=" + romCase.file()
                        + (romCase.barOff() ? ",rombar=0" : ""), "-monitor", "stdio", "-serial", "none")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(qemu.environment());
        Process process = builder.start();
        process.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "QEMU did not quit: " + output);
        String messages = output.lines().filter(line -> line.contains("romfile") || line.startsWith("rom: "))
                .collect(Collectors.joining("\n"));
        return process.exitValue() == 0 ? "started " + messages : messages;
    }

    /** The part of a finding's message between quotes that QEMU printed, if any. */
    private static Optional<String> quoted(String message, String output) {
        for (String part : message.split("'")) {
            if (part.length() > 10 && output.contains(part)) {
                return Optional.of(part);
            }
        }
        return Optional.empty();
    }

    /** A PCI expansion ROM image of {@code size} bytes after {@code padding} zero bytes. */
    private static byte[] image(int padding, int size) {
        byte[] bytes = new byte[padding + size];
        bytes[padding] = 0x55;
        bytes[padding + 1] = (byte) 0xaa;
        bytes[padding + 0x18] = 0x1c;
        System.arraycopy("PCIR".getBytes(StandardCharsets.US_ASCII), 0, bytes, padding + 0x1c, 4);
        return bytes;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
