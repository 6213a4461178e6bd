package dev.virtlint.rules.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.qemu.LintAndFix;

/** What VL201 says about who is left without resources, beyond the fixtures' positions. */
class Mmio64ApertureTooSmallTest {

    @Test
    void aLostEmulatedDeviceIsAWarningThatSaysTheGpuIsFine() throws IOException {
        List<Finding> findings = LintAndFix.onHost("intel-desktop-39bit-rebar")
                .findings(LintAndFix.fixture("VL201", "emulated-device-loses-window.xml"), "VL201");
        assertEquals(1, findings.size(), findings.toString());
        Finding finding = findings.get(0);
        assertEquals(Severity.WARNING, finding.severity());
        assertEquals(List.of("shmem looking-glass"), finding.data().get("unassigned"));
        assertTrue(finding.message().contains("places every BAR of the passed-through devices (hostdev 0000:01:00.0)")
                && finding.message().contains("the guest's driver for the shmem looking-glass cannot use it")
                && finding.message().contains("drops the hot-plug padding of libvirt's spare pcie-root-port"),
                finding.message());
    }

    @Test
    void aVgaControllerThatDoesNotFitStopsTheFirmware() throws IOException {
        List<Finding> findings = LintAndFix.onHost("intel-desktop-39bit-rebar")
                .findings(LintAndFix.fixture("VL201", "rebar-vcpu-wider-than-host.xml"), "VL201");
        assertEquals(1, findings.size(), findings.toString());
        assertEquals("enumeration_failed", findings.get(0).data().get("outcome"));
        assertTrue(findings.get(0).message().contains("will stop before it boots anything")
                && findings.get(0).message().contains("hostdev 0000:01:00.0 (64-bit BAR 1: 32 GiB), a VGA controller,"
                        + " which OVMF never rejects"), findings.get(0).message());
    }

    @Test
    void aLostGpuIsAnErrorThatNamesEveryDeviceWithoutResources() throws IOException {
        List<Finding> findings = LintAndFix.onHost("amd-epyc-2gpu")
                .findings(LintAndFix.fixture("VL201", "h100-behind-libvirt-ports.xml"), "VL201");
        assertEquals(1, findings.size(), findings.toString());
        assertEquals(Severity.ERROR, findings.get(0).severity());
        assertEquals(List.of("hostdev 0000:c1:00.0"), findings.get(0).data().get("unassigned"));
    }
}
