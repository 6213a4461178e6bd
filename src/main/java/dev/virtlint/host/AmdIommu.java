package dev.virtlint.host;

import java.util.Optional;

/**
 * An AMD-Vi unit ({@code ivhd<N>}): the capability header dword from {@code amd-iommu/cap} and the Extended
 * Feature Register from {@code amd-iommu/features}. The header holds no address width; the EFR's HATS field
 * (Host Address Translation Size, bits 11:10) gives the depth of the host page table, and with it the width.
 */
public record AmdIommu(String name, Optional<Long> capHeader, Optional<Long> extendedFeatures) implements IommuUnit {

    /** HATS, as encoded in the AMD IOMMU specification: 0 = 4 levels, 1 = 5, 2 = 6, 3 = reserved. */
    public Optional<Integer> hostAddressTranslationSize() {
        return extendedFeatures.map(AmdIommu::hats);
    }

    public Optional<Integer> hostPageTableLevels() {
        return hostAddressTranslationSize().flatMap(AmdIommu::levels);
    }

    /** Each level resolves 9 bits above the 12-bit page offset; six levels reach past 64 and stop there. */
    @Override
    public Optional<Integer> addressWidth() {
        return hostPageTableLevels().map(AmdIommu::widthOfLevels);
    }

    static int hats(long efr) {
        return (int) ((efr >>> 10) & 0x3);
    }

    static Optional<Integer> levels(int hats) {
        return hats == 3 ? Optional.empty() : Optional.of(hats + 4);
    }

    static int widthOfLevels(int levels) {
        return Math.min(64, 12 + 9 * levels);
    }
}
