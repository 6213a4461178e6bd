package dev.virtlint.platform;

import java.util.Objects;

/**
 * A reason QEMU will not start with the given memory configuration.
 *
 * @param kind    what went wrong
 * @param message for QEMU's own errors the exact text QEMU prints after its {@code qemu-system-x86_64: } prefix
 *                (texts verified with QEMU 10.0.2); for {@link Kind#ADDRESS_SPACE_OVERFLOW} virt-lint's explanation
 */
public record StartError(Kind kind, String message) {

    public StartError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /** In the order QEMU evaluates them; QEMU exits at the first. */
    public enum Kind {
        /** {@code -m slots=} without {@code maxmem=}. */
        SLOTS_WITHOUT_MAXMEM,
        /** {@code maxmem} below the initial RAM. */
        MAXMEM_BELOW_RAM,
        /** {@code maxmem} equal to the initial RAM while slots are given. */
        MAXMEM_EQUALS_RAM_WITH_SLOTS,
        /** {@code max-ram-below-4g} above 4 GiB. */
        MAX_RAM_BELOW_4G_TOO_LARGE,
        /** A long-mode vCPU with phys-bits outside 32..52. */
        PHYS_BITS_OUT_OF_RANGE,
        /** The highest used guest address exceeds 2^phys-bits - 1 (QEMU 7.1 and later). */
        PHYS_BITS_TOO_LOW,
        /** maxmem or slots on a machine type without a device-memory region (pc-i440fx-2.0 and older). */
        MEMORY_HOTPLUG_UNSUPPORTED,
        /** More than 256 memory slots. */
        TOO_MANY_SLOTS,
        /** maxmem is not a multiple of 4 KiB. */
        MAXMEM_UNALIGNED,
        /**
         * The layout passes 2^64. QEMU's own unsigned arithmetic wraps there and what follows is not predictable: it
         * may abort on an assertion, report "unsupported amount of maximum memory", or start with a wrapped layout.
         */
        ADDRESS_SPACE_OVERFLOW;

        public boolean printedByQemu() {
            return this != ADDRESS_SPACE_OVERFLOW;
        }
    }
}
