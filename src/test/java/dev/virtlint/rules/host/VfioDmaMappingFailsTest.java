package dev.virtlint.rules.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.host.HostRootReader;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.Severity;
import dev.virtlint.support.CapturedHosts;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * VL606 on reserved regions of the passed-through devices' groups beyond AMD's HyperTransport hole: a region VFIO
 * must not map that overlaps guest RAM is an error, while a relaxable one, a direct one (the kernel refuses such a
 * device before mapping anything) and the HyperTransport hole (VL103's) are left alone. The captured roots have no
 * such region, so each case adds one line to the GPU's group in a copy of {@code intel-desktop-46bit}.
 */
class VfioDmaMappingFailsTest {
    private static final String DOMAIN = """
            <domain type='kvm'>
              <name>gpu</name>
              <memory unit='GiB'>8</memory>
              <os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>
              <cpu mode='host-passthrough'/>
              <devices>
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
                </hostdev>
              </devices>
            </domain>
            """;

    @Test
    void aReservedRegionInsideGuestRamIsAnError(@TempDir Path dir) throws IOException {
        List<Finding> findings = vl606(dir, "0x0000000040000000 0x00000000403fffff reserved");
        assertEquals(1, findings.size(), findings.toString());
        assertEquals(Severity.ERROR, findings.get(0).severity());
        assertTrue(findings.get(0).message().startsWith("ram-below-4g 0x0-0x7fffffff overlaps 0x40000000-0x403fffff,"
                + " which IOMMU group 2 reserves (reserved)"), findings.get(0).message());
    }

    @Test
    void relaxableDirectAndHyperTransportRegionsAreLeftAlone(@TempDir Path dir) throws IOException {
        assertEquals(List.of(), vl606(dir.resolve("relaxable"), "0x0000000040000000 0x00000000403fffff"
                + " direct-relaxable"));
        assertEquals(List.of(), vl606(dir.resolve("direct"), "0x0000000040000000 0x00000000403fffff direct"));
        assertEquals(List.of(), vl606(dir.resolve("ht"), "0x000000fd00000000 0x000000ffffffffff reserved"));
    }

    private static List<Finding> vl606(Path dir, String region) throws IOException {
        Path root = copy(CapturedHosts.path("intel-desktop-46bit"), dir.resolve("root"));
        Files.writeString(root.resolve("sys/kernel/iommu_groups/2/reserved_regions"), region + "\n",
                StandardOpenOption.APPEND);
        Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                LintEnvironment.of(TargetStack.defaults(), Optional.of(HostRootReader.read(root))));
        return linter.lint("gpu.xml", new java.io.ByteArrayInputStream(DOMAIN.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))).findings().stream()
                .filter(finding -> finding.rule().id().equals("VL606")).toList();
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        return to;
    }
}
