package dev.virtlint.rules.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import dev.virtlint.support.CapturedHosts;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * VL607 where interrupts are not remapped but VFIO was told to do without: allow_unsafe_interrupts from the loaded
 * module, or for a module not loaded yet from the command line or modprobe.d, each in a copy of
 * {@code intel-desktop-no-intremap}.
 */
class HostIommuNotReadyTest {
    private static final String DOMAIN = """
            <domain type='qemu'>
              <name>gpu</name>
              <memory unit='GiB'>8</memory>
              <os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>
              <devices>
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
                </hostdev>
              </devices>
            </domain>
            """;

    @Test
    void unsafeInterruptsAllowedByTheLoadedModuleSilenceIt(@TempDir Path dir) throws IOException {
        Path root = copy(dir);
        Files.writeString(root.resolve("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts"), "Y\n");
        assertEquals(List.of(), vl607(root));
    }

    @Test
    void aModuleNotLoadedYetTakesModprobesOption(@TempDir Path dir) throws IOException {
        Path root = copy(dir);
        Files.delete(root.resolve("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts"));
        Files.delete(root.resolve("sys/module/vfio_iommu_type1/parameters"));
        Files.delete(root.resolve("sys/module/vfio_iommu_type1"));
        assertEquals(1, vl607(root).size(), "off by default");
        Files.createDirectories(root.resolve("etc/modprobe.d"));
        Files.writeString(root.resolve("etc/modprobe.d/vfio.conf"), "options vfio_iommu_type1"
                + " allow_unsafe_interrupts=1\n");
        assertEquals(List.of(), vl607(root));
    }

    private static List<Finding> vl607(Path root) {
        Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                LintEnvironment.of(TargetStack.defaults(), Optional.of(HostRootReader.read(root))));
        return linter.lint("gpu.xml", new java.io.ByteArrayInputStream(DOMAIN.getBytes(StandardCharsets.UTF_8)))
                .findings().stream().filter(finding -> finding.rule().id().equals("VL607")).toList();
    }

    private static Path copy(Path dir) throws IOException {
        Path from = CapturedHosts.path("intel-desktop-no-intremap");
        Path to = dir.resolve("root");
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
