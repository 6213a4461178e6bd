package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostRootReader;
import dev.virtlint.host.LibvirtConnection;
import dev.virtlint.host.RemoteCapture;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/** {@code host-facts --connect} through libvirt's built-in test driver, which needs no daemon. */
class HostFactsConnectCliTest {
    private static final String URI =
            "test://" + ProjectPaths.projectDir().resolve("src/test/resources/host/node-gpu.xml");

    private static void assumeLibvirt() {
        Assumptions.assumeTrue(LibvirtConnection.libraryAvailable(),
                "libvirt.so.0 is not installed: host-facts --connect test skipped");
    }

    @Test
    void capturesTheNodeDevicesAndShowsWhatLibvirtDidNotReport(@TempDir Path dir) {
        assumeLibvirt();
        Path snap = dir.resolve("hv02");

        CliRun capture = CliRun.run("host-facts", "--connect", URI, "--snapshot", snap.toString());

        assertEquals(0, capture.exitCode(), capture.err());
        assertEquals("", capture.err());
        assertTrue(capture.out().startsWith("Captured "), capture.out());
        assertTrue(capture.out().contains(RemoteCapture.FILE), capture.out());
        HostFacts facts = HostRootReader.read(snap);
        assertEquals(List.of(new PciAddress(0, 1, 0, 1)), facts.iommuGroupPeers(new PciAddress(0, 1, 0, 0))
                .orElseThrow());
        assertEquals(Optional.of(0x2204), facts.pciDevice(new PciAddress(0, 1, 0, 0)).orElseThrow().device());
        assertEquals(Optional.empty(), facts.cpu(), "the test driver names no CPU vendor and no phys-bits");

        CliRun text = CliRun.run("host-facts", "--host-root", snap.toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("Captured remotely from " + URI + " through libvirt"), text.out());
        assertTrue(text.out().contains("physical bits:   unknown (captured remotely from " + URI
                + ": libvirt's capabilities give no <maxphysaddr> for the host CPU)"), text.out());
        assertTrue(text.out().contains("BARs unknown (captured remotely from " + URI
                + ": libvirt does not report PCI BARs"), text.out());
        assertTrue(text.out().contains("enabled:         yes, 1 groups"), text.out());
        assertTrue(text.out().contains("QEMU:            unknown (captured remotely from " + URI
                + ": the connection's hypervisor is not QEMU)"), text.out());
        assertTrue(text.out().contains("Warnings (0)"), text.out());

        CliRun json = CliRun.run("host-facts", "--host-root", snap.toString(), "--format", "json");
        assertTrue(json.out().contains("\"connection\" : \"" + URI + "\""), json.out());
        assertTrue(json.out().contains("\"pci.resources\" : \"libvirt does not report PCI BARs"), json.out());
    }

    @Test
    void aConnectionThatFailsIsOneLineAndWritesNothing(@TempDir Path dir) {
        assumeLibvirt();
        Path snap = dir.resolve("hv02");

        CliRun run = CliRun.run("host-facts", "--connect", "test:///nonexistent/node.xml", "--snapshot",
                snap.toString());

        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("virt-lint host-facts: cannot connect to test:///nonexistent/node.xml: "),
                run.err());
        assertFalse(Files.exists(snap));
    }

    @Test
    void connectNeedsASnapshotDirectoryAndNoHostRoot(@TempDir Path dir) {
        CliRun alone = CliRun.run("host-facts", "--connect", URI);
        assertEquals(2, alone.exitCode());
        assertTrue(alone.err().contains("add --snapshot OUT_DIR"), alone.err());

        CliRun both = CliRun.run("host-facts", "--connect", URI, "--host-root", "/", "--snapshot",
                dir.resolve("snap").toString());
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("--connect and --host-root are two sources"), both.err());
        assertFalse(Files.exists(dir.resolve("snap")));
    }
}
