package dev.virtlint.firmware;

/**
 * One memory BAR of a PCI function.
 *
 * @param index        0–5
 * @param size         bytes, a power of two
 * @param is64Bit      a 64-bit BAR (memory type 10b)
 * @param prefetchable the prefetchable bit
 */
public record Bar(int index, long size, boolean is64Bit, boolean prefetchable) {

    public Bar {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("BAR index must be 0..5: " + index);
        }
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("BAR size must be a power of two: " + size);
        }
    }

    public static Bar prefetchable64(int index, long size) {
        return new Bar(index, size, true, true);
    }
}
