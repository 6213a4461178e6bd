package dev.virtlint.platform;

import java.util.List;

import dev.virtlint.firmware.FirmwareCpu;
import dev.virtlint.firmware.OvmfInput;
import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.PciIoAperture;
import dev.virtlint.firmware.PciMmio64Knob;
import dev.virtlint.firmware.Reservation;

/**
 * What OVMF learns from QEMU's layout: the e820 RAM above 4 GiB and reservations, etc/reserved-memory-end, and from
 * the host bridge the I/O ports it hands out.
 */
public final class OvmfInputs {
    private OvmfInputs() {
    }

    /** A q35 guest's. */
    public static OvmfInput of(OvmfRelease release, FirmwareCpu cpu, AddressMap map, PciMmio64Knob knob) {
        return of(release, cpu, map, knob, MachineFamily.Q35);
    }

    public static OvmfInput of(OvmfRelease release, FirmwareCpu cpu, AddressMap map, PciMmio64Knob knob,
                               MachineFamily family) {
        long ramAbove4gEnd = map.ramAbove4g() == 0 ? 0 : map.above4gStart() + map.ramAbove4g();
        List<Reservation> reservations = map.amdHtHoleReserved()
                ? List.of(new Reservation(AddressLayout.AMD_HT_START, AddressLayout.AMD_HT_END))
                : List.of();
        return new OvmfInput(release, cpu, ramAbove4gEnd, map.reservedMemoryEnd(), reservations, knob,
                family == MachineFamily.I440FX ? PciIoAperture.I440FX : PciIoAperture.Q35);
    }
}
