package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Whose build a QEMU is, from the version line its packagers leave in it. */
class VendorBuildTest {
    @Test
    void thePackageNamesTheBuild() {
        assertEquals(Optional.of(VendorBuild.UPSTREAM),
                VendorBuild.ofQemuVersion("10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)"));
        assertEquals(Optional.of(VendorBuild.UBUNTU),
                VendorBuild.ofQemuVersion("8.2.2 (Debian 1:8.2.2+ds-0ubuntu1.4)"));
        assertEquals(Optional.of(VendorBuild.RHEL), VendorBuild.ofQemuVersion("9.0.0 (qemu-kvm-9.0.0-10.el9_5)"));
        assertEquals(Optional.of(VendorBuild.UPSTREAM), VendorBuild.ofQemuVersion("9.1.2 (qemu-9.1.2-3.fc41)"));
    }

    @Test
    void withoutAKnownPackageTheBuildStaysOpen() {
        assertEquals(Optional.empty(), VendorBuild.ofQemuVersion("10.0.2"));
        assertEquals(Optional.empty(), VendorBuild.ofQemuVersion("9.0.2 (pve-qemu-kvm_9.0.2-4)"));
    }
}
