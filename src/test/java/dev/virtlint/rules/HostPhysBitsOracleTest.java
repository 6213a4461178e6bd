package dev.virtlint.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.LibvirtArgv;
import dev.virtlint.support.LiveHost;
import dev.virtlint.support.RealStack;

/**
 * VL105 against this machine's libvirt, whatever its CPU: the expectation comes from the host's physical address
 * bits as virt-lint's own host reader sees them. libvirt refuses {@code <maxphysaddr mode='emulate'>} wider than
 * the host CPU for every domain type, TCG included, with the message VL105 quotes; it accepts the host's own width.
 */
@Tag("oracle")
class HostPhysBitsOracleTest {
    @TempDir
    Path scratch;

    @Test
    void libvirtRefusesExactlyTheWidthsVl105Predicts() throws Exception {
        int hostBits = LiveHost.physBits();
        RealStack.assumeLibvirt();

        Path fits = domain("fits-host", hostBits);
        CliRun lintFits = CliRun.run("--color=never", "--select", "VL105", "--host-root", "/", fits.toString());
        assertFalse(lintFits.out().contains("VL105"), "no VL105 at the host's own " + hostBits + " bits: " + lintFits.out());
        RealStack.Result accepted = LibvirtArgv.nativeArgv(fits);
        assertEquals(0, accepted.exitCode(), "libvirt refuses the host's own width: " + accepted.output());

        Assumptions.assumeTrue(hostBits < 52, "this host has 52 bits, the most x86 has: no wider width to refuse");
        Path tooWide = domain("too-wide", hostBits + 1);
        CliRun lintTooWide = CliRun.run("--color=never", "--select", "VL105", "--host-root", "/", tooWide.toString());
        assertTrue(lintTooWide.out().contains("error VL105"), "VL105 at " + (hostBits + 1) + " bits on a "
                + hostBits + "-bit host: " + lintTooWide.out());
        assertTrue(lintTooWide.out().contains(LiveHost.WIDER_THAN_HOST_REFUSAL), "VL105 quotes libvirt: " + lintTooWide.out());
        RealStack.Result refused = LibvirtArgv.nativeArgv(tooWide);
        assertNotEquals(0, refused.exitCode(), "libvirt accepts " + (hostBits + 1) + " bits on this "
                + hostBits + "-bit host");
        assertTrue(refused.output().contains(LiveHost.WIDER_THAN_HOST_REFUSAL), "libvirt's own words: " + refused.output());
    }

    /** A TCG domain: libvirt's check is not limited to KVM, so this runs on a machine without KVM too. */
    private Path domain(String name, int bits) throws Exception {
        Path file = scratch.resolve(name + ".xml");
        Files.writeString(file, """
                <domain type='qemu'>
                  <name>%s</name>
                  <memory unit='GiB'>1</memory>
                  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
                  <cpu mode='custom' match='exact'>
                    <model fallback='forbid'>qemu64</model>
                    <maxphysaddr mode='emulate' bits='%d'/>
                  </cpu>
                </domain>
                """.formatted(name, bits));
        return file;
    }
}
