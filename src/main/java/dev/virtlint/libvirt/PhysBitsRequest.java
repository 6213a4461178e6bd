package dev.virtlint.libvirt;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the QEMU command line asks for the vCPU's physical address width: {@code phys-bits=N},
 * {@code host-phys-bits=on|off} and {@code host-phys-bits-limit=N}, and where each came from.
 */
public record PhysBitsRequest(OptionalInt physBits, Optional<Boolean> hostPhysBits, OptionalInt hostPhysBitsLimit,
                              String source) {

    public static PhysBitsRequest none() {
        return new PhysBitsRequest(OptionalInt.empty(), Optional.empty(), OptionalInt.empty(), "QEMU's default");
    }

    PhysBitsRequest withPhysBits(int bits, String from) {
        return new PhysBitsRequest(OptionalInt.of(bits), hostPhysBits, hostPhysBitsLimit, from);
    }

    PhysBitsRequest withHostPhysBits(boolean on, String from) {
        return new PhysBitsRequest(physBits, Optional.of(on), hostPhysBitsLimit, from);
    }

    PhysBitsRequest withHostPhysBitsLimit(int limit, String from) {
        return new PhysBitsRequest(physBits, hostPhysBits, OptionalInt.of(limit), from);
    }
}
