package dev.virtlint.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The models QEMU added after 10.0 exist only for a QEMU that has them, with the vendor and pages of their kin. */
class CpuModelsTest {
    @Test
    void epycTurinCameIn101() {
        assertEquals(Optional.empty(), CpuModels.vendor("EPYC-Turin", 10, 0));
        assertEquals(Optional.of(CpuModels.AMD), CpuModels.vendor("EPYC-Turin", 10, 1));
        assertEquals(Optional.of(true), CpuModels.gigabytePages("EPYC-Turin-v1", 11, 1));
        assertEquals(Optional.of(CpuModels.AMD), CpuModels.vendor("EPYC-Rome-v5", 10, 2));
        assertEquals(Optional.of(true), CpuModels.gigabytePages("EPYC-Rome-v5", 10, 2));
        assertEquals(Optional.empty(), CpuModels.gigabytePages("EPYC-Rome-v5", 10, 0));
    }

    @Test
    void diamondRapidsCameIn110() {
        assertEquals(Optional.empty(), CpuModels.vendor("DiamondRapids", 10, 2));
        assertEquals(Optional.of(CpuModels.INTEL), CpuModels.vendor("DiamondRapids", 11, 0));
        assertEquals(Optional.of(true), CpuModels.gigabytePages("DiamondRapids", 11, 1));
        assertEquals(Optional.empty(), CpuModels.vendor("ClearwaterForest-v2", 10, 2));
        assertEquals(Optional.of(CpuModels.INTEL), CpuModels.vendor("ClearwaterForest-v2", 12, 0));
    }

    @Test
    void modelsOf100AreInEveryLaterRelease() {
        assertEquals(Optional.of(CpuModels.AMD), CpuModels.vendor("EPYC", 10, 0));
        assertEquals(Optional.of(CpuModels.AMD), CpuModels.vendor("EPYC", 11, 1));
        assertEquals(Optional.empty(), CpuModels.vendor("EPYC-Venice", 11, 1));
    }
}
