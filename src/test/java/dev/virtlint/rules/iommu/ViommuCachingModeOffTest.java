package dev.virtlint.rules.iommu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.virtlint.support.CliRun;

/** VL303 quotes the refusal of the QEMU it checks against: the message changed in 10.2. */
class ViommuCachingModeOffTest {
    private static final String FIXTURE = "testdata/rules/VL303/no-caching-mode.xml";

    @Test
    void upTo101QemuExitsFromItsMachineInitHook() {
        String out = CliRun.run("--color=never", "--select", "VL303", "--qemu-version", "10.1", FIXTURE).out();
        assertTrue(out.contains("QEMU will refuse to start: \"We need to set caching-mode=on for intel-iommu to enable"
                + " device assignment with IOMMU protection.\""), out);
    }

    @Test
    void from102TheVfioDeviceFailsToRealize() {
        String out = CliRun.run("--color=never", "--select", "VL303", "--qemu-version", "10.2", FIXTURE).out();
        assertTrue(out.contains("QEMU will refuse to start: \"vfio 0000:"), out);
        assertTrue(out.contains(": Failed to set vIOMMU: Device assignment is not allowed without enabling"
                + " caching-mode=on for Intel IOMMU.\""), out);
    }
}
