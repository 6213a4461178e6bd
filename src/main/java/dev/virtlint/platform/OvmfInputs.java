package dev.virtlint.platform;

import java.util.List;

import dev.virtlint.firmware.FirmwareCpu;
import dev.virtlint.firmware.OvmfInput;
import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.PciMmio64Knob;
import dev.virtlint.firmware.Reservation;

/** What OVMF learns from QEMU's layout: the e820 RAM above 4 GiB and reservations, and etc/reserved-memory-end. */
public final class OvmfInputs {
    private OvmfInputs() {
    }

    public static OvmfInput of(OvmfRelease release, FirmwareCpu cpu, AddressMap map, PciMmio64Knob knob) {
        long ramAbove4gEnd = map.ramAbove4g() == 0 ? 0 : map.above4gStart() + map.ramAbove4g();
        List<Reservation> reservations = map.amdHtHoleReserved()
                ? List.of(new Reservation(AddressLayout.AMD_HT_START, AddressLayout.AMD_HT_END))
                : List.of();
        return new OvmfInput(release, cpu, ramAbove4gEnd, map.reservedMemoryEnd(), reservations, knob);
    }
}
