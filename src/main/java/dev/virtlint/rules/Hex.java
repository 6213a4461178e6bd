package dev.virtlint.rules;

/** Addresses the way QEMU prints them: lower-case hex with 0x, unsigned. */
public final class Hex {
    private Hex() {
    }

    public static String of(long address) {
        return "0x" + Long.toHexString(address);
    }
}
