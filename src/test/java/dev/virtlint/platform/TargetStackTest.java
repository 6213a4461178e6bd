package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which QEMU a domain is checked against when nothing names the host's. */
class TargetStackTest {
    private static final TargetStack ASSUMED = TargetStack.defaults();
    private static final TargetStack NAMED_10_0 = new TargetStack(Version.of(10, 0), Optional.empty(),
            Version.parse(TargetStack.DEFAULT_LIBVIRT), TargetStack.DEFAULT_OVMF, Optional.empty());

    @ParameterizedTest
    @CsvSource({
            "pc-q35-11.1, 11.1",
            "pc-i440fx-10.2, 10.2",
            "pc-q35-11.0, 11.0",
            // Not newer than the default: the default stands.
            "pc-q35-10.0, 10.0",
            "pc-q35-7.1, 10.0",
            "q35, 10.0",
            "pc, 10.0",
            "microvm, 10.0",
            // Newer than every release virt-lint knows: the newest it knows.
            "pc-q35-11.2, 11.1",
            "pc-q35-12.1, 11.1",
            // Not a type at all: the default.
            "pc-q35-10.3, 10.0",
    })
    void anAssumedVersionIsRaisedToTheReleaseTheMachineTypeNeeds(String machine, String expected) {
        assertTrue(ASSUMED.qemuAssumed());
        assertEquals(QemuBinary.upstream(Version.parse(expected)), ASSUMED.qemuFor(machine));
    }

    @Test
    void aNamedVersionIsNeverRaised() {
        assertFalse(NAMED_10_0.qemuAssumed());
        assertEquals(QemuBinary.upstream(Version.of(10, 0)), NAMED_10_0.qemuFor("pc-q35-11.1"));
    }

    @Test
    void otherBuildsKeepTheAssumedVersion() {
        assertEquals(new QemuBinary(Version.of(10, 0), VendorBuild.UBUNTU), ASSUMED.qemuFor("pc-q35-questing"));
        assertEquals(new QemuBinary(Version.of(10, 0), VendorBuild.RHEL), ASSUMED.qemuFor("pc-q35-rhel10.0.0"));
        TargetStack rhel = new TargetStack(Version.of(10, 0), Optional.of(VendorBuild.RHEL), Version.of(11, 3),
                TargetStack.DEFAULT_OVMF, Optional.empty(), true);
        assertEquals(new QemuBinary(Version.of(10, 0), VendorBuild.RHEL), rhel.qemuFor("pc-q35-11.1"),
                "RHEL builds register no upstream types, whatever the version");
    }

    @Test
    void theAssumptionSurvivesAnotherOvmfRelease() {
        assertTrue(ASSUMED.withOvmf("2025.02").qemuAssumed());
        assertFalse(NAMED_10_0.withOvmf("2025.02").qemuAssumed());
    }
}
