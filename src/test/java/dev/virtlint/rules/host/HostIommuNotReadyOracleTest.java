package dev.virtlint.rules.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostRootReader;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.Severity;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * VL607 on this machine, which runs no IOMMU: libvirt 11.3 refuses a transient guest with a PCI hostdev before it
 * looks at the device, and VL607, linting the same domain against this machine's own root, gives an error quoting
 * libvirt's message. Skips where the machine does run an IOMMU. The interrupt-remapping case needs an IOMMU without
 * remapping and a VFIO device; it rests on the captured root {@code intel-desktop-no-intremap} and the kernel's source.
 */
@Tag("oracle")
class HostIommuNotReadyOracleTest {
    private static final String NAME = "virt-lint-vl607-no-iommu";

    @Test
    void libvirtRefusesAPciHostdevWhereVl607SaysTheHostRunsNoIommu() throws Exception {
        HostFacts live = HostRootReader.read(Path.of("/"));
        Assumptions.assumeTrue(live.iommuEnabled().equals(Optional.of(false)),
                "this machine runs an IOMMU (or its groups are unknown): VL607's no-IOMMU oracle skipped");
        RealStack.assumeGuestsCanStart();
        String domain = "<domain type='qemu'><name>" + NAME + "</name><memory unit='MiB'>64</memory>"
                + "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices>"
                + "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x05'"
                + " slot='0x00' function='0x0'/></source></hostdev></devices></domain>";
        Path xml = Files.createTempFile("virt-lint-vl607-", ".xml");
        try {
            Files.writeString(xml, domain);
            RealStack.Result created = RealStack.run(List.of("virsh", "-c", "qemu:///system", "create",
                    xml.toString()), 120);
            Finding finding = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                    LintEnvironment.of(TargetStack.defaults(), Optional.of(live)))
                    .lint(NAME, new java.io.ByteArrayInputStream(domain.getBytes(StandardCharsets.UTF_8)))
                    .findings().stream().filter(f -> f.rule().id().equals("VL607")).findFirst().orElseThrow();
            assertTrue(created.exitCode() != 0, "libvirt started a PCI hostdev without an IOMMU: " + created.output());
            assertEquals(Severity.ERROR, finding.severity());
            String quoted = "host doesn't support passthrough of host PCI devices";
            assertTrue(created.output().contains(quoted), created.output());
            assertTrue(finding.message().contains("'" + quoted + "'"), finding.message());
        } finally {
            RealStack.run(List.of("virsh", "-c", "qemu:///system", "destroy", NAME), 60);
            Files.deleteIfExists(xml);
        }
    }
}
