package dev.virtlint.firmware;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * OVMF's 64-bit PCI window (its "aperture") for one guest: where it is, how big, and why.
 *
 * @param base            first address (unsigned)
 * @param size            bytes; 0 when OVMF has no 64-bit window
 * @param kind            which rule produced it
 * @param physBitsTrusted OVMF believed CPUID's phys-bits (ovmf-and-libvirt.md A2 trust rules)
 * @param physBitsUsed    the phys-bits OVMF works with: CPUID's after its caps when trusted, else the bits its
 *                        own window needs (at least 36)
 * @param knob            X-PciMmio64Mb as OVMF read it
 * @param movedFrom       the dynamic window's base before OVMF moved it below an e820 reservation
 * @param explanation     the reasoning, in words a finding can quote
 */
public record Aperture(long base, long size, Kind kind, boolean physBitsTrusted, int physBitsUsed,
                       PciMmio64Knob knob, OptionalLong movedFrom, String explanation) {

    public enum Kind {
        /** 32 GiB or X-PciMmio64Mb, above RAM and the hotplug area, naturally aligned. */
        CLASSIC,
        /** 1/8 of the trusted address space, at its top. */
        DYNAMIC
    }

    public Aperture {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(knob, "knob");
        Objects.requireNonNull(movedFrom, "movedFrom");
        Objects.requireNonNull(explanation, "explanation");
    }

    /** The first address past the window; 2^64 wraps to 0, which no real window reaches. */
    public long end() {
        return base + size;
    }

    public long lastAddress() {
        return end() - 1;
    }

    /**
     * The window reaches past OVMF's own address width. OVMF only gets there when it trusted CPUID's phys-bits and
     * X-PciMmio64Mb pushed the window higher; it then cannot map the window and enumerates no PCI device.
     */
    public boolean beyondFirmwareAddressWidth() {
        return size != 0 && physBitsTrusted && Pow2.above(end(), 1L << physBitsUsed);
    }

    /** The window reaches past what the vCPU can address ({@code 2^bits}). */
    public boolean beyond(int bits) {
        return size != 0 && Pow2.above(end(), 1L << bits);
    }

    public boolean overlaps(long start, long endInclusive) {
        return size != 0 && Long.compareUnsigned(base, endInclusive) <= 0
                && Long.compareUnsigned(start, lastAddress()) <= 0;
    }
}
