package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class IommuUnitTest {

    @Test
    void intelCapWithMgaw39() {
        IntelIommu unit = new IntelIommu("dmar1", 0xd2008c40660462L);
        assertEquals(39, unit.mgaw());
        assertEquals(0b00100, unit.sagaw());
        assertEquals(List.of(48), unit.sagawWidths());
        assertFalse(unit.cachingMode());
        assertEquals(Optional.of(39), unit.addressWidth());
    }

    @Test
    void intelCapWithMgaw48AndCachingMode() {
        // MGAW field 47 (bits 21:16), SAGAW 39- and 48-bit (bits 9 and 10), CM (bit 7).
        long cap = (47L << 16) | (0b00110L << 8) | 0x80;
        IntelIommu unit = new IntelIommu("dmar0", cap);
        assertEquals(48, unit.mgaw());
        assertEquals(List.of(39, 48), unit.sagawWidths());
        assertTrue(unit.cachingMode());
    }

    @Test
    void amdHatsGivesTheHostPageTableDepth() {
        assertEquals(Optional.of(48), amd(0x000).addressWidth());
        assertEquals(Optional.of(57), amd(0x400).addressWidth());
        assertEquals(Optional.of(64), amd(0x800).addressWidth());
        assertEquals(Optional.of(6), amd(0xa5bf732fa2295afeL).hostPageTableLevels());
        assertEquals(Optional.empty(),
                new AmdIommu("ivhd0", Optional.of(0x190b640fL), Optional.empty()).addressWidth());
    }

    @Test
    void theNarrowestUnitDecides() {
        HostFacts facts = new HostFacts(Optional.empty(),
                Optional.of(List.of(new IntelIommu("dmar0", 47L << 16), new IntelIommu("dmar1", 38L << 16))),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), KernelIommu.UNKNOWN, QemuProcess.UNKNOWN, RomFiles.none(), Optional.empty(),
                List.of());
        assertEquals(Optional.of(39), facts.iommuAddressWidth());
    }

    private static AmdIommu amd(long efr) {
        return new AmdIommu("ivhd0", Optional.empty(), Optional.of(efr));
    }
}
