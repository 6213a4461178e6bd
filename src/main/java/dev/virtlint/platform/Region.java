package dev.virtlint.platform;

import java.util.Objects;

/**
 * One range of guest-physical address space. Addresses are unsigned 64-bit values.
 *
 * @param name         one of the constants below
 * @param start        first address
 * @param endInclusive last address
 * @param note         what the range means for the guest, in words a finding can quote
 */
public record Region(String name, long start, long endInclusive, String note) {

    public static final String RAM_BELOW_4G = "ram-below-4g";
    public static final String RAM_ABOVE_4G = "ram-above-4g";
    public static final String DEVICE_MEMORY = "device-memory";
    public static final String PCI_HOLE64 = "pci-hole64";
    public static final String AMD_HT_HOLE = "amd-ht-hole";

    public Region {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(note, "note");
        if (Long.compareUnsigned(start, endInclusive) > 0) {
            throw new IllegalArgumentException(name + " ends before it starts: 0x" + Long.toHexString(start)
                    + " > 0x" + Long.toHexString(endInclusive));
        }
    }

    /** Size in bytes (unsigned; a region spanning all 2^64 addresses would read 0, which no layout produces). */
    public long size() {
        return endInclusive - start + 1;
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, endInclusive) <= 0;
    }

    public boolean overlaps(long otherStart, long otherEndInclusive) {
        return Long.compareUnsigned(start, otherEndInclusive) <= 0 && Long.compareUnsigned(otherStart, endInclusive) <= 0;
    }

    public boolean overlaps(Region other) {
        return overlaps(other.start, other.endInclusive);
    }

    @Override
    public String toString() {
        return String.format("%s [0x%x-0x%x]%s", name, start, endInclusive, note.isEmpty() ? "" : " (" + note + ")");
    }
}
