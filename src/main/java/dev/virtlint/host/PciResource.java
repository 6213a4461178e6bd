package dev.virtlint.host;

/**
 * One used line of {@code /sys/bus/pci/devices/<BDF>/resource}: its position in the file ({@code index}; 0–5
 * are the BARs, 6 the expansion ROM, later lines SR-IOV BARs or bridge windows), the assigned range and the
 * kernel's {@code IORESOURCE_*} flags.
 */
public record PciResource(int index, long start, long end, long flags) {
    /** Index of the expansion ROM; BARs come before it. */
    public static final int ROM_INDEX = 6;

    // include/linux/ioport.h
    static final long IORESOURCE_IO = 0x100;
    static final long IORESOURCE_MEM = 0x200;
    static final long IORESOURCE_PREFETCH = 0x2000;
    static final long IORESOURCE_MEM_64 = 0x100000;

    public long size() {
        return end - start + 1;
    }

    public boolean isBar() {
        return index < ROM_INDEX;
    }

    public boolean isRom() {
        return index == ROM_INDEX;
    }

    public boolean isMemory() {
        return (flags & IORESOURCE_MEM) != 0;
    }

    public boolean isIo() {
        return (flags & IORESOURCE_IO) != 0;
    }

    public boolean is64Bit() {
        return (flags & IORESOURCE_MEM_64) != 0;
    }

    public boolean prefetchable() {
        return (flags & IORESOURCE_PREFETCH) != 0;
    }
}
