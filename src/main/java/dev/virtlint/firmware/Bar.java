package dev.virtlint.firmware;

/**
 * One BAR of a PCI function: memory, or I/O ports.
 *
 * @param index        0–5
 * @param size         bytes, a power of two
 * @param is64Bit      a 64-bit memory BAR (memory type 10b)
 * @param prefetchable the prefetchable bit of a memory BAR
 * @param io           an I/O BAR, which OVMF places in its 16-bit PCI I/O space ({@link PciIoAperture}); never 64-bit
 *                     or prefetchable
 */
public record Bar(int index, long size, boolean is64Bit, boolean prefetchable, boolean io) {

    public Bar {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("BAR index must be 0..5: " + index);
        }
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("BAR size must be a power of two: " + size);
        }
        if (io && (is64Bit || prefetchable)) {
            throw new IllegalArgumentException("an I/O BAR is neither 64-bit nor prefetchable");
        }
    }

    /** A memory BAR. */
    public Bar(int index, long size, boolean is64Bit, boolean prefetchable) {
        this(index, size, is64Bit, prefetchable, false);
    }

    public static Bar prefetchable64(int index, long size) {
        return new Bar(index, size, true, true);
    }

    /** An I/O BAR of {@code size} bytes. */
    public static Bar io(int index, long size) {
        return new Bar(index, size, false, false, true);
    }
}
