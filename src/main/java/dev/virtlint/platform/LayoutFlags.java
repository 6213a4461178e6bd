package dev.virtlint.platform;

import java.util.Objects;

/**
 * The machine-class compat flags that {@code pc_memory_init} and its callers read (knowledge file §1.1, §6).
 *
 * @param family                   Q35 or I440FX; decides the RAM split below 4 GiB and the default 64-bit hole size
 * @param enforceAmd1TbHole        an AMD vCPU moves RAM above 4 GiB to 1 TiB when the layout would reach the HT hole
 * @param alignedDimm              each memory slot adds 1 GiB to the device-memory region
 * @param hasReservedMemory        the machine supports maxmem/slots (a device-memory region)
 * @param brokenReservedEnd        the 64-bit hole and etc/reserved-memory-end start at the device-memory base, not its end
 * @param gigabyteAlign            i440fx caps RAM below 4 GiB at 3 GiB once RAM reaches max-ram-below-4g
 * @param broken32bitMemAddrCheck  a non-long-mode vCPU keeps the pre-8.2 bound (2^phys-bits - 1) in the check
 */
public record LayoutFlags(
        MachineFamily family,
        boolean enforceAmd1TbHole,
        boolean alignedDimm,
        boolean hasReservedMemory,
        boolean brokenReservedEnd,
        boolean gigabyteAlign,
        boolean broken32bitMemAddrCheck) {

    public LayoutFlags {
        Objects.requireNonNull(family, "family");
        if (!family.isPc()) {
            throw new IllegalArgumentException("layout flags exist only for pc and q35 machine types, not " + family);
        }
    }

    /**
     * The flags of a machine type carrying the upstream state {@code base}. Every vendor's types call the upstream
     * options functions for their base, so the same rule serves RHEL and Ubuntu types (RHEL enables the 1 TiB hole
     * from rhel9.2.0, whose base is 7.2, which the base-version rule reproduces).
     */
    public static LayoutFlags forBase(MachineFamily family, Version base) {
        boolean i440fx = family == MachineFamily.I440FX;
        return new LayoutFlags(
                family,
                base.isAtLeast(7, 1),
                !(i440fx && base.isAtMost(2, 1)),
                !(i440fx && base.isAtMost(2, 0)),
                base.isAtMost(2, 4),
                !(i440fx && base.isAtMost(1, 7)),
                base.isAtMost(8, 1));
    }
}
