package dev.virtlint.rules.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostRootReader;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * What VL104 says moves OVMF's window out of the HyperTransport hole: OVMF 2023.02 and later move their dynamic
 * window below QEMU's e820 entry for the range, which QEMU 7.1 and later add for an AMD vCPU with 40 or more
 * phys-bits on machine types 7.1 and later. Each side of that condition, on the captured AMD host with an EPYC vCPU
 * at 40 bits and one GPU.
 */
class MmioWindowInAmdHtHoleTest {
    private static final String DOMAIN = """
            <domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
              <name>gpu</name>
              <memory unit='GiB'>16</memory>
              <os firmware='efi'><type arch='x86_64' machine='%s'>hvm</type></os>
              <features><acpi/></features>
              <cpu mode='custom' match='exact'><model fallback='forbid'>EPYC</model></cpu>
              <devices>
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source><address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/></source>
                </hostdev>
              </devices>%s
            </domain>
            """;

    private static List<Finding> vl104(String qemu, String machine, String ovmf, String extra) throws IOException {
        HostFacts host = HostRootReader.read(ProjectPaths.testdata().resolve("hosts").resolve("amd-epyc-2gpu"));
        TargetStack stack = new TargetStack(Version.parse(qemu), Optional.empty(), Version.parse("11.3.0"), ovmf,
                Optional.empty());
        Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(), LintEnvironment.of(stack,
                Optional.of(host)));
        String xml = String.format(DOMAIN, machine, extra);
        return linter.lint("gpu.xml", new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).findings()
                .stream().filter(finding -> finding.rule().id().equals("VL104")).toList();
    }

    private static String message(List<Finding> findings) {
        assertEquals(1, findings.size(), findings.toString());
        return findings.get(0).message();
    }

    @Test
    void qemuOlderThan71ReservesNothingSoEvenANewOvmfLeavesTheWindowInTheHole() throws IOException {
        String message = message(vl104("6.2.0", "pc-q35-6.2", "2025.11", ""));
        assertTrue(message.contains("puts the 128 GiB 64-bit PCI window at 0xe000000000-0xffffffffff"), message);
        assertTrue(message.contains("OVMF 2025.11 moves this window below the hole only where QEMU reserves the range"
                + " in e820, as QEMU 7.1 and later do for an AMD vCPU with 40 or more phys-bits on machine types 7.1 and"
                + " later; here QEMU 6.2 is older than 7.1"), message);
        assertFalse(message.contains("2023.02 and later move"), message);
    }

    @Test
    void aMachineTypeOlderThan71ReservesNothingOnANewQemu() throws IOException {
        String message = message(vl104("10.0.2", "pc-q35-7.0", "2025.02-8+deb13u1", ""));
        assertTrue(message.contains("here machine type pc-q35-7.0 is older than 7.1"), message);
    }

    @Test
    void withTheReservationANewOvmfMovesTheWindowOut() throws IOException {
        assertEquals(List.of(), vl104("10.0.2", "pc-q35-7.1", "2025.02-8+deb13u1", ""));
        assertEquals(List.of(), vl104("10.0.2", "pc-q35-9.2", "2025.11", ""));
    }

    @Test
    void withTheReservationAnOldOvmfIsWhatKeepsTheWindowInTheHole() throws IOException {
        String message = message(vl104("10.0.2", "pc-q35-9.2", "2022.11", ""));
        assertTrue(message.contains("OVMF 2023.02 and later move this window below the hole, which this QEMU reserves"
                + " in e820"), message);
        assertTrue(message.contains(". With this release, X-PciMmio64Mb="), message);
    }

    @Test
    void noReleaseMovesAClassicWindow() throws IOException {
        String knob = """

                  <qemu:commandline>
                    <qemu:arg value='-fw_cfg'/>
                    <qemu:arg value='name=opt/ovmf/X-PciMmio64Mb,string=524288'/>
                  </qemu:commandline>""";
        String message = message(vl104("10.0.2", "pc-q35-9.2", "2025.02-8+deb13u1", knob));
        assertTrue(message.contains("the 512 GiB 64-bit PCI window at 0x8000000000-0xffffffffff"), message);
        assertTrue(message.contains("No OVMF release moves a classic window such as this one out of the hole"),
                message);
    }
}
