package dev.virtlint.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A VT-d DMA remapping unit ({@code dmar<N>}) and its capability register, as the kernel prints it in
 * {@code intel-iommu/cap}. Field positions follow the VT-d specification's CAP_REG layout.
 */
public record IntelIommu(String name, long cap) implements IommuUnit {

    /** Maximum Guest Address Width, bits 21:16, stored as width − 1. */
    public int mgaw() {
        return (int) ((cap >>> 16) & 0x3f) + 1;
    }

    /** Supported Adjusted Guest Address Widths, bits 12:8: bit n means a (2 + n)-level table of 30 + 9n bits. */
    public int sagaw() {
        return (int) ((cap >>> 8) & 0x1f);
    }

    /** The widths {@link #sagaw()} offers, ascending; bit 4 is reserved and ignored. */
    public List<Integer> sagawWidths() {
        List<Integer> widths = new ArrayList<>();
        for (int bit = 0; bit < 4; bit++) {
            if ((sagaw() & (1 << bit)) != 0) {
                widths.add(30 + 9 * bit);
            }
        }
        return widths;
    }

    /** CM, bit 7: the unit may cache not-present entries, so software must flush on every map. */
    public boolean cachingMode() {
        return (cap & 0x80) != 0;
    }

    /**
     * MGAW: the kernel never lets a domain's address width exceed it, so IOVAs at or above 2^MGAW cannot be
     * mapped, which is what QEMU compares a vIOMMU's aw-bits against.
     */
    @Override
    public Optional<Integer> addressWidth() {
        return Optional.of(mgaw());
    }
}
