package dev.virtlint.firmware;

/** Unsigned address arithmetic on powers of two, as the firmware does it. */
final class Pow2 {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    private Pow2() {
    }

    /** Rounds {@code value} up to a multiple of {@code alignment} (a power of two); 2^64 wraps to 0. */
    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    static long alignDown(long value, long alignment) {
        return value & -alignment;
    }

    /** The largest power of two not above {@code value}; 0 for 0. */
    static long floor(long value) {
        return Long.highestOneBit(value);
    }

    /** The smallest power of two not below {@code value} (at least 1). */
    static long ceil(long value) {
        long floor = Long.highestOneBit(value);
        return floor == value || value == 0 ? Math.max(floor, 1) : floor << 1;
    }

    /** The bits needed to address everything below {@code end} (exclusive). */
    static int bitsFor(long end) {
        int high = 63 - Long.numberOfLeadingZeros(end);
        return Long.bitCount(end) == 1 ? high : high + 1;
    }

    static boolean above(long a, long b) {
        return Long.compareUnsigned(a, b) > 0;
    }
}
