package dev.virtlint.platform;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * QEMU's guest-physical memory layout for one {@link LayoutInput} and whether QEMU starts with it. Addresses are
 * unsigned 64-bit values. When {@link #outcome()} is {@link Outcome#UNDEFINED} the layout passes 2^64: the values
 * past the overflowing step saturate at 0xffffffffffffffff and {@link #requiredPhysBits()} is 65.
 *
 * @param regions                 ram-below-4g, ram-above-4g, device-memory, pci-hole64 and, when reserved in the
 *                                e820 map or overlapped by another region, amd-ht-hole; in address order
 * @param ramBelow4g              bytes of RAM mapped from address 0
 * @param ramAbove4g              bytes of RAM mapped from {@code above4gStart}
 * @param above4gStart            4 GiB, or 1 TiB when relocated past the AMD HyperTransport hole
 * @param relocatedAbove1TiB      the AMD 1 TiB rule moved RAM above 4 GiB (and everything after it) to 1 TiB
 * @param amdHtHoleReserved       QEMU adds an e820 reserved entry for 0xFD00000000-0xFFFFFFFFFF
 * @param reservedMemoryEnd       the fw_cfg file etc/reserved-memory-end, present with a device-memory region
 * @param pciHole64Start          first address of the 64-bit PCI hole (QEMU's {@code pc_pci_hole64_start()})
 * @param pciHole64Size           its size; 0 disables the hole
 * @param pciHole64End            its last address; {@code pciHole64Start - 1} when the hole is disabled
 * @param maxUsedGpa              QEMU's {@code pc_max_used_gpa()}: for long-mode vCPUs the end of the 64-bit hole
 * @param requiredPhysBits        phys-bits needed to address {@code maxUsedGpa}
 * @param physBits                the vCPU's phys-bits the check compares against
 * @param physBitsCheckPerformed  the binary (7.1 or newer) refuses to start when {@code maxUsedGpa} is out of reach
 * @param outcome                 whether QEMU starts
 * @param errors                  every start error these inputs cause, in QEMU's order; the first is what QEMU prints
 */
public record AddressMap(
        List<Region> regions,
        long ramBelow4g,
        long ramAbove4g,
        long above4gStart,
        boolean relocatedAbove1TiB,
        boolean amdHtHoleReserved,
        OptionalLong reservedMemoryEnd,
        long pciHole64Start,
        long pciHole64Size,
        long pciHole64End,
        long maxUsedGpa,
        int requiredPhysBits,
        int physBits,
        boolean physBitsCheckPerformed,
        Outcome outcome,
        List<StartError> errors) {

    public enum Outcome {
        STARTS,
        /** QEMU exits with status 1 printing the first of {@link #errors()}. */
        FAILS,
        /** The layout overflows 64 bits; QEMU's behaviour is not predictable (see {@link StartError.Kind#ADDRESS_SPACE_OVERFLOW}). */
        UNDEFINED
    }

    public AddressMap {
        regions = List.copyOf(regions);
        errors = List.copyOf(errors);
        Objects.requireNonNull(reservedMemoryEnd, "reservedMemoryEnd");
        Objects.requireNonNull(outcome, "outcome");
    }

    public boolean qemuWillStart() {
        return outcome == Outcome.STARTS;
    }

    /** The line QEMU prints before exiting, without its {@code qemu-system-x86_64: } prefix. */
    public Optional<String> qemuError() {
        return errors.isEmpty() || !errors.get(0).kind().printedByQemu()
                ? Optional.empty()
                : Optional.of(errors.get(0).message());
    }

    public Optional<StartError> error(StartError.Kind kind) {
        return errors.stream().filter(error -> error.kind() == kind).findFirst();
    }

    /** 2^physBits - 1: the highest address the vCPU can reach. */
    public long physAddressLimit() {
        return AddressLayout.addressLimit(physBits);
    }

    /** The layout reaches beyond the vCPU's physical address width (whether or not the binary checks it). */
    public boolean exceedsPhysBits() {
        return outcome == Outcome.UNDEFINED || Long.compareUnsigned(maxUsedGpa, physAddressLimit()) > 0;
    }

    public Optional<Region> region(String name) {
        return regions.stream().filter(region -> region.name().equals(name)).findFirst();
    }

    public Optional<Region> deviceMemory() {
        return region(Region.DEVICE_MEMORY);
    }

    /** RAM, device-memory and 64-bit-hole regions that overlap the AMD HyperTransport range 0xFD00000000-0xFFFFFFFFFF. */
    public List<Region> regionsOverlappingAmdHtHole() {
        return regions.stream()
                .filter(region -> !region.name().equals(Region.AMD_HT_HOLE))
                .filter(region -> region.overlaps(AddressLayout.AMD_HT_START, AddressLayout.AMD_HT_END))
                .toList();
    }
}
