package dev.virtlint.firmware;

/** An e820 reserved range QEMU gives the firmware; addresses are unsigned and {@code end} is inclusive. */
public record Reservation(long start, long end) {

    public Reservation {
        if (Long.compareUnsigned(start, end) > 0) {
            throw new IllegalArgumentException("reservation ends before it starts");
        }
    }

    boolean overlaps(long otherStart, long otherEnd) {
        return Long.compareUnsigned(start, otherEnd) <= 0 && Long.compareUnsigned(otherStart, end) <= 0;
    }
}
