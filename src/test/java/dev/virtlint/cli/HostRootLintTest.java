package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/** Linting against host facts: a captured host, the live host, and a snapshot of the live host. */
class HostRootLintTest {
    /** Under KVM this domain's vendor and phys-bits come from the host, and VL103 needs to know if it is AMD. */
    private static final String GPU_GUEST = """
            <domain type='kvm'>
              <name>gpu</name>
              <memory unit='GiB'>1020</memory>
              <os><type arch='x86_64' machine='pc-q35-6.2'>hvm</type></os>
              <cpu mode='host-passthrough'/>
              <devices>
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source><address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/></source>
                </hostdev>
              </devices>
            </domain>
            """;

    @TempDir
    Path dir;

    private Path domain() throws IOException {
        Path file = dir.resolve("gpu.xml");
        Files.writeString(file, GPU_GUEST);
        return file;
    }

    @Test
    void withoutHostFactsTheHostDependentChecksSayTheyWereSkipped() throws IOException {
        CliRun run = CliRun.run("--color=never", domain().toString());
        assertTrue(run.out().contains("info VL901 checks-skipped: not checked"), run.out());
        assertFalse(run.out().contains("error VL103"), run.out());
        assertTrue(run.out().contains("VL103"), "VL901 names the skipped rule: " + run.out());
    }

    @Test
    void aCapturedAmdHostMakesThemRun() throws IOException {
        Path host = ProjectPaths.testdata().resolve("hosts").resolve("amd-epyc-2gpu");
        CliRun run = CliRun.run("--color=never", "--host-root", host.toString(), domain().toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.out().contains("error VL103 ram-in-amd-ht-hole"), run.out());
        assertFalse(run.out().contains("VL901"), run.out());
    }

    @Test
    void aSnapshotOfTheLiveHostGivesTheSameFindingsAsTheLiveHost() throws IOException {
        Path file = domain();
        CliRun live = CliRun.run("--color=never", "--host-root", "/", file.toString());
        Path snapshot = dir.resolve("this-host");
        CliRun capture = CliRun.run("host-facts", "--snapshot", snapshot.toString());
        assertEquals(0, capture.exitCode(), capture.err());
        CliRun captured = CliRun.run("--color=never", "--host-root", snapshot.toString(), file.toString());
        assertEquals(live.exitCode(), captured.exitCode());
        assertEquals(live.out(), captured.out());
    }

    /**
     * A captured host's QEMU names its package: Debian's builds upstream's machine types, so a machine type of
     * Ubuntu's QEMU is VL001 there, while on Ubuntu's QEMU, or a QEMU that names no package, it passes.
     */
    @Test
    void theHostsQemuPackageDecidesWhoseMachineTypesTheDomainMayUse() throws IOException {
        Path file = dir.resolve("cosmic.xml");
        Files.copy(ProjectPaths.testdata().resolve("rules/VL001/ubuntu-type-build-unknown.xml"), file);
        for (String qemu : new String[] {"10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)",
                "8.2.2 (Debian 1:8.2.2+ds-0ubuntu1.4)", "10.0.2"}) {
            Path host = Files.createDirectories(dir.resolve("host-" + qemu.hashCode()));
            Files.writeString(host.resolve("virt-lint-stack.properties"), "qemu=" + qemu + "\n");
            CliRun run = CliRun.run("--color=never", "--host-root", host.toString(), file.toString());
            boolean upstream = qemu.contains("deb13u1");
            assertEquals(upstream, run.out().contains("error VL001"), qemu + ": " + run.out() + run.err());
            if (upstream) {
                assertTrue(run.out().contains("'pc-i440fx-cosmic' is a machine type of Ubuntu's QEMU builds only, and"
                        + " the target QEMU 10.0.2 is upstream's build"), run.out());
            }
        }
    }

    @Test
    void aMissingHostRootIsAUsageError() throws IOException {
        CliRun run = CliRun.run("--host-root", dir.resolve("nope").toString(), domain().toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("is not a directory"), run.err());
    }
}
