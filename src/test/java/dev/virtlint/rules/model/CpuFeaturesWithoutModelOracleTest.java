package dev.virtlint.rules.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.lint.Linter;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * VL005 reports exactly the fixtures libvirt 11.3 refuses with "Non-empty feature list specified without CPU model".
 * domxml-to-native parses the definition as define does, without defining anything; a TCG copy of each fixture
 * stands in for the KVM original, since this machine has no KVM and the CPU parser does not look at the type.
 */
@Tag("oracle")
class CpuFeaturesWithoutModelOracleTest {

    @Test
    void vl005ReportsWhatLibvirtRefuses() throws Exception {
        RealStack.assumeLibvirt();
        Path directory = Files.createTempDirectory("virt-lint-vl005-");
        List<String> mismatches = new ArrayList<>();
        try (Stream<Path> fixtures = Files.list(ProjectPaths.testdata().resolve("rules/VL005"))) {
            for (Path fixture : fixtures.sorted().toList()) {
                Path tcg = directory.resolve(fixture.getFileName());
                Files.writeString(tcg, Files.readString(fixture).replace("type='kvm'", "type='qemu'"));
                RealStack.Result argv = RealStack.run(List.of("virsh", "-c", "qemu:///system", "domxml-to-native",
                        "qemu-argv", tcg.toString()), 60);
                boolean refused = argv.output().contains(CpuFeaturesWithoutModel.LIBVIRT_ERROR);
                boolean reported = new Linter(new SafeXmlLoader(), RuleRegistry.all()).lint(fixture, true).findings()
                        .stream().anyMatch(finding -> finding.rule().id().equals("VL005"));
                if (refused != reported) {
                    mismatches.add(fixture.getFileName() + ": libvirt " + (refused ? "refuses" : "accepts") + " ("
                            + argv.output().strip() + "), VL005 " + (reported ? "reports it" : "says nothing"));
                }
                Files.delete(tcg);
            }
        } finally {
            Files.deleteIfExists(directory);
        }
        assertEquals(List.of(), mismatches);
    }
}
