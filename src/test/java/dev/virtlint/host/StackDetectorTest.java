package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackDetectorTest {
    private static final Path LIVE = Path.of("/");
    private static final HostFacts NO_FACTS = new HostFacts(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
            KernelIommu.UNKNOWN, QemuProcess.UNKNOWN, RomFiles.none(), Optional.empty(), List.of());

    /** Answers from a table keyed by the program name; programs not in it are "not installed". */
    private static StackDetector.CommandRunner answering(Map<String, StackDetector.CommandResult> answers,
                                                         List<List<String>> asked) {
        return (command, timeout) -> {
            asked.add(command);
            StackDetector.CommandResult result = answers.get(command.get(0));
            if (result == null) {
                throw new IOException("Cannot run program \"" + command.get(0) + "\": error=2, No such file");
            }
            return result;
        };
    }

    @Test
    void liveHostVersionsFromTheTools() {
        List<List<String>> asked = Collections.synchronizedList(new ArrayList<>());
        StackDetector detector = new StackDetector(answering(Map.of(
                "qemu-system-x86_64", new StackDetector.CommandResult(0,
                        "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)\n"
                                + "Copyright (c) 2003-2025 Fabrice Bellard and the QEMU Project developers\n"),
                "virsh", new StackDetector.CommandResult(0, "11.3.0\n"),
                "dpkg-query", new StackDetector.CommandResult(0, "2022.11-6+deb12u2")), asked));
        DetectedStack stack = detector.detect(LIVE, NO_FACTS);
        assertEquals(new DetectedStack(Optional.of("10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)"),
                Optional.of("11.3.0"), Optional.of("2022.11-6+deb12u2"),
                List.of()), stack);
        assertTrue(asked.contains(List.of("dpkg-query", "-W", "-f=${Version}", "ovmf-generic")), asked.toString());
        assertEquals(3, asked.size());
    }

    /** Debian's ovmf-generic holds the firmware from 2025.11; before, ovmf did, and ovmf-generic did not exist. */
    @Test
    void debianOvmfIsTheFirmwarePackageOvmfGenericElseOvmf() {
        StackDetector sid = new StackDetector((command, timeout) -> switch (command.get(0) + " "
                + command.get(command.size() - 1)) {
            case "dpkg-query ovmf-generic" -> new StackDetector.CommandResult(0, "2026.08+ds-2");
            case "dpkg-query ovmf" -> new StackDetector.CommandResult(1, "");
            default -> throw new IOException("not installed");
        });
        assertEquals(Optional.of("2026.08+ds-2"), sid.detect(LIVE, NO_FACTS).ovmf());
        StackDetector trixie = new StackDetector((command, timeout) -> switch (command.get(0) + " "
                + command.get(command.size() - 1)) {
            case "dpkg-query ovmf-generic" -> new StackDetector.CommandResult(1, "");
            case "dpkg-query ovmf" -> new StackDetector.CommandResult(0, "2025.02-8+deb13u1");
            default -> throw new IOException("not installed");
        });
        assertEquals(Optional.of("2025.02-8+deb13u1"), trixie.detect(LIVE, NO_FACTS).ovmf());
    }

    @Test
    void libvirtdAndRpmAreTheFallbacks() {
        List<List<String>> asked = Collections.synchronizedList(new ArrayList<>());
        StackDetector detector = new StackDetector(answering(Map.of(
                "virsh", new StackDetector.CommandResult(1, ""),
                "libvirtd", new StackDetector.CommandResult(0, "libvirtd (libvirt) 10.0.0\n"),
                "dpkg-query", new StackDetector.CommandResult(1, ""),
                "rpm", new StackDetector.CommandResult(0, "20240524-4.fc41")), asked));
        DetectedStack stack = detector.detect(LIVE, NO_FACTS);
        assertEquals(Optional.empty(), stack.qemu());
        assertEquals(Optional.of("10.0.0"), stack.libvirt());
        assertEquals(Optional.of("20240524-4.fc41"), stack.ovmf());
        assertEquals(List.of(), stack.warnings());
    }

    @Test
    void timeoutsAndUnexpectedOutputAreWarnings() {
        StackDetector detector = new StackDetector((command, timeout) -> {
            assertTrue(timeout.toSeconds() <= 10, "short timeouts");
            if (command.get(0).equals("qemu-system-x86_64")) {
                throw new StackDetector.CommandTimeoutException();
            }
            if (command.get(0).equals("virsh")) {
                return new StackDetector.CommandResult(0, "error: unexpected\n");
            }
            throw new IOException("not installed");
        });
        DetectedStack stack = detector.detect(LIVE, NO_FACTS);
        assertEquals(new DetectedStack(Optional.empty(), Optional.empty(), Optional.empty(), List.of(
                new HostWarning("qemu-system-x86_64 --version", "no answer within 5 s; stopped it"),
                new HostWarning("virsh --version", "printed no version number: 'error: unexpected'"))), stack);
    }

    @Test
    void capturedRootReadsTheStackFileAndRunsNothing(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve(StackDetector.STACK_FILE), "# comment\nqemu=9.2.0\nlibvirt = 11.0.0\novmf=\n");
        StackDetector detector = new StackDetector((command, timeout) -> {
            throw new AssertionError("ran " + command + " for a captured root");
        });
        assertEquals(new DetectedStack(Optional.of("9.2.0"), Optional.of("11.0.0"), Optional.empty(), List.of()),
                detector.detect(root, NO_FACTS));
    }

    @Test
    void capturedRootWithoutAStackFileKnowsNoVersions(@TempDir Path root) {
        assertEquals(new DetectedStack(Optional.empty(), Optional.empty(), Optional.empty(), List.of()),
                new StackDetector().detect(root, NO_FACTS));
    }

    @Test
    void malformedStackFileIsAWarning(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve(StackDetector.STACK_FILE), "qemu=\\u12\nqemu_version=1\n");
        DetectedStack stack = new StackDetector().detect(root, NO_FACTS);
        assertEquals(Optional.empty(), stack.qemu());
        assertEquals(1, stack.warnings().size());
        assertEquals(StackDetector.STACK_FILE, stack.warnings().get(0).path());
        assertTrue(stack.warnings().get(0).message().startsWith("not a properties file"));
    }

    @Test
    void unknownKeysAreReported(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve(StackDetector.STACK_FILE), "qemu_version=9.2.0\n");
        DetectedStack stack = new StackDetector().detect(root, NO_FACTS);
        assertEquals(List.of(new HostWarning(StackDetector.STACK_FILE,
                "unknown key 'qemu_version' (expected qemu, libvirt, ovmf)")), stack.warnings());
    }

    @Test
    void ovmfReleaseFromADescriptorWhenNothingElseSays(@TempDir Path root) {
        FirmwareDescriptor nix = new FirmwareDescriptor("usr/share/qemu/firmware/60.json", Optional.empty(),
                List.of("uefi"), Optional.of("flash"),
                Optional.of("/nix/store/abc-OVMF-202411-fd/FV/OVMF_CODE.fd"), Optional.empty(), List.of(), List.of());
        HostFacts facts = new HostFacts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.of(List.of(nix)),
                KernelIommu.UNKNOWN, QemuProcess.UNKNOWN, RomFiles.none(), Optional.empty(), List.of());
        assertEquals(Optional.of("2024.11"), new StackDetector().detect(root, facts).ovmf());
        assertEquals(Optional.of("2022.11"), StackDetector.fromDescriptors(List.of(new FirmwareDescriptor("d",
                Optional.of("edk2-stable202211 build"), List.of(), Optional.empty(),
                Optional.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), Optional.empty(), List.of(), List.of()))));
        assertEquals(Optional.empty(), StackDetector.fromDescriptors(
                HostRootReader.read(HostRootReaderTest.host("intel-desktop-39bit")).firmware().orElseThrow()));
    }

    @Test
    void testdataHostsCarryTheirStack() {
        Path root = HostRootReaderTest.host("amd-epyc-2gpu");
        DetectedStack stack = new StackDetector().detect(root, HostRootReader.read(root));
        assertEquals(new DetectedStack(Optional.of("6.2.0"), Optional.of("8.0.0"),
                Optional.of("2022.02-3ubuntu0.22.04.1"), List.of()), stack);
        Path intel = HostRootReaderTest.host("intel-desktop-39bit");
        assertEquals(Optional.empty(), new StackDetector().detect(intel, HostRootReader.read(intel)).ovmf());
    }

    @Test
    void onlyTheFilesystemRootIsLive(@TempDir Path dir) {
        assertTrue(StackDetector.isLiveRoot(Path.of("/")));
        assertTrue(StackDetector.isLiveRoot(Path.of("/.")));
        assertFalse(StackDetector.isLiveRoot(dir));
        assertFalse(StackDetector.isLiveRoot(dir.resolve("missing")));
    }

    @Test
    void theRealToolsOnThisMachine() {
        DetectedStack stack = new StackDetector().detect(LIVE, HostRootReader.read(LIVE));
        assertEquals(List.of(), stack.warnings());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "QEMU is not installed here");
        assertTrue(stack.qemu().orElseThrow().matches("\\d+\\.\\d+(\\.\\d+)?( \\([^)]*\\))?"), stack.toString());
    }
}
