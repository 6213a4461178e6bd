package dev.virtlint.domain;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;

/**
 * A memory amount as libvirt reads it: an unsigned integer and a unit suffix, case-insensitive.
 * {@code b}/{@code byte}/{@code bytes} are bytes; a single letter or {@code XiB} is a power of 1024;
 * {@code XB} a power of 1000; no unit means the element's default (KiB for memory elements).
 */
public record MemorySize(long bytes) {
    public static final long KIB = 1024L;
    public static final long MIB = KIB * 1024;
    public static final long GIB = MIB * 1024;
    public static final long TIB = GIB * 1024;

    private static final BigInteger MAX_BYTES = BigInteger.valueOf(Long.MAX_VALUE);
    private static final String EXPONENTS = "kmgtpe";

    public static MemorySize ofBytes(long bytes) {
        return new MemorySize(bytes);
    }

    /** The value libvirt hands to QEMU: libvirt stores memory in KiB, rounding up. */
    public long kibRoundedUp() {
        return Math.floorDiv(bytes, KIB) + (Math.floorMod(bytes, KIB) == 0 ? 0 : 1);
    }

    /**
     * Parses a value and unit; the error says what libvirt would say. Values beyond 2^63 bytes are refused
     * here: no host has that much memory and the layout arithmetic stays exact below it.
     */
    public static MemorySize parse(String value, String unit, String defaultUnit) throws InvalidValueException {
        String digits = value == null ? "" : value.strip();
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidValueException("'" + (value == null ? "" : value) + "' is not an unsigned integer");
        }
        String suffix = unit == null || unit.isBlank() ? defaultUnit : unit.strip();
        BigInteger scale = scale(suffix).orElseThrow(
                () -> new InvalidValueException("unknown memory unit '" + suffix + "'"));
        BigInteger bytes = new BigInteger(digits).multiply(scale);
        if (bytes.compareTo(MAX_BYTES) > 0) {
            throw new InvalidValueException(digits + " " + suffix + " is larger than any address space ("
                    + bytes + " bytes)");
        }
        return new MemorySize(bytes.longValueExact());
    }

    static Optional<BigInteger> scale(String suffix) {
        String unit = suffix.toLowerCase(Locale.ROOT);
        if (unit.equals("b") || unit.equals("byte") || unit.equals("bytes")) {
            return Optional.of(BigInteger.ONE);
        }
        if (unit.isEmpty()) {
            return Optional.empty();
        }
        int exponent = EXPONENTS.indexOf(unit.charAt(0)) + 1;
        if (exponent == 0) {
            return Optional.empty();
        }
        String rest = unit.substring(1);
        if (rest.isEmpty() || rest.equals("ib")) {
            return Optional.of(BigInteger.valueOf(1024).pow(exponent));
        }
        if (rest.equals("b")) {
            return Optional.of(BigInteger.valueOf(1000).pow(exponent));
        }
        return Optional.empty();
    }

    /** Human form with binary units, exact when the value is a whole number of the unit. */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int index = 0;
        double value = bytes;
        while (index < units.length - 1 && Math.abs(value) >= 1024) {
            value /= 1024;
            index++;
        }
        if (value == Math.rint(value)) {
            return (long) value + " " + units[index];
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[index]);
    }

    @Override
    public String toString() {
        return format(bytes);
    }
}
