package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.junit.jupiter.api.Assumptions;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/** virt-lint define against libvirt's test driver, which needs no daemon and keeps nothing after virsh exits. */
class DefineCommandTest {
    private static final String TEST_DRIVER = "test:///default";

    @TempDir
    Path dir;

    @BeforeEach
    void needsVirsh() {
        Assumptions.assumeTrue(RealStack.onPath("virsh"), "virsh is not installed: define tests skipped (CI installs"
                + " it with .ci/install-stack)");
    }

    @Test
    void aCleanDefinitionIsDefinedAndLibvirtsAnswerShown() throws IOException {
        Path file = dir.resolve("clean.xml");
        Files.writeString(file, "<domain type='qemu'>\n  <name>clean-guest</name>\n  <memory unit='GiB'>4</memory>\n"
                + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n</domain>\n");
        CliRun run = CliRun.run("define", "--connect", TEST_DRIVER, file.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Domain 'clean-guest' defined from " + file), run.out());
    }

    @Test
    void errorsRefuseTheDefinitionUnlessForced() {
        String file = ProjectPaths.testdata().resolve("rules/VL101/amd-hotplug.xml").toString();
        CliRun refused = CliRun.run("define", "--color", "never", "--connect", TEST_DRIVER, file);
        assertEquals(1, refused.exitCode(), refused.err());
        assertTrue(refused.out().contains("error VL101 phys-bits-too-low"), refused.out());
        assertTrue(refused.err().contains("was not defined: 1 error above; fix it, or define anyway with --force"),
                refused.err());
        assertFalse(refused.out().contains("defined from"));
        CliRun forced = CliRun.run("define", "--force", "--connect", TEST_DRIVER, file);
        assertEquals(0, forced.exitCode(), forced.err());
        assertTrue(forced.out().contains("Domain 'epyc-1t-hotplug' defined from"), forced.out());
    }

    @Test
    void whatLibvirtRefusesIsPassedOn() throws IOException {
        Path file = dir.resolve("unknown-element.xml");
        Files.writeString(file, "<domain type='qemu'>\n  <name>odd</name>\n  <memory unit='GiB'>4</memory>\n"
                + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n  <frobnicate/>\n</domain>\n");
        // VL010 reports the element too where libvirt's schemas are installed; --force goes on to libvirt anyway.
        CliRun run = CliRun.run("define", "--force", "--connect", TEST_DRIVER, file.toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("frobnicate"), "virsh --validate names the element: " + run.err());
        assertTrue(run.err().contains("virsh define failed"), run.err());
    }
}
