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

    @Test
    void aMissingHostRootIsAUsageError() throws IOException {
        CliRun run = CliRun.run("--host-root", dir.resolve("nope").toString(), domain().toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("is not a directory"), run.err());
    }
}
