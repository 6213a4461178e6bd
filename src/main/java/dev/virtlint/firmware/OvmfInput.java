package dev.virtlint.firmware;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Everything OVMF reads to place its PCI windows: its own release, the vCPU's CPUID, QEMU's memory layout (through
 * e820 and fw_cfg), the X-PciMmio64Mb knob and the host bridge, which decides its I/O space.
 *
 * @param release           the edk2 release the OVMF build is based on
 * @param cpu               the vCPU as CPUID shows it
 * @param ramAbove4gEnd     first address past the RAM mapped above 4 GiB; 0 when there is none
 * @param reservedMemoryEnd fw_cfg {@code etc/reserved-memory-end}, present with a memory-hotplug area
 * @param e820Reservations  e820 reserved ranges above 4 GiB (QEMU's AMD HyperTransport entry)
 * @param knob              {@code opt/ovmf/X-PciMmio64Mb}
 * @param pciIo             the I/O ports OVMF gives PCI devices, by the machine's host bridge
 */
public record OvmfInput(OvmfRelease release, FirmwareCpu cpu, long ramAbove4gEnd, OptionalLong reservedMemoryEnd,
                        List<Reservation> e820Reservations, PciMmio64Knob knob, PciIoAperture pciIo) {

    public OvmfInput {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(reservedMemoryEnd, "reservedMemoryEnd");
        Objects.requireNonNull(knob, "knob");
        Objects.requireNonNull(pciIo, "pciIo");
        e820Reservations = List.copyOf(e820Reservations);
    }

    /** A q35 guest's. */
    public OvmfInput(OvmfRelease release, FirmwareCpu cpu, long ramAbove4gEnd, OptionalLong reservedMemoryEnd,
                     List<Reservation> e820Reservations, PciMmio64Knob knob) {
        this(release, cpu, ramAbove4gEnd, reservedMemoryEnd, e820Reservations, knob, PciIoAperture.Q35);
    }

    public OvmfInput withKnob(PciMmio64Knob newKnob) {
        return new OvmfInput(release, cpu, ramAbove4gEnd, reservedMemoryEnd, e820Reservations, newKnob, pciIo);
    }

    /** The same guest with X-PciMmio64Mb set to {@code mib}, read as this release reads it. */
    public OvmfInput withKnobMib(long mib) {
        return withKnob(PciMmio64Knob.read(Long.toString(mib), release));
    }
}
