package dev.virtlint.firmware;

import java.util.Objects;

/**
 * What OVMF reads from the vCPU's CPUID to size its window.
 *
 * @param vendorId      the CPUID vendor string ({@code GenuineIntel}, {@code AuthenticAMD}, …)
 * @param physBits      CPUID 0x80000008 EAX[7:0]
 * @param gigabytePages CPUID 0x80000001 EDX bit 26 ({@code pdpe1gb}); without it OVMF caps phys-bits at 40
 * @param guestPhysBits CPUID 0x80000008 EAX[23:16]; 0 when QEMU leaves it unset (TCG, machine types up to 9.0)
 */
public record FirmwareCpu(String vendorId, int physBits, boolean gigabytePages, int guestPhysBits) {

    public static final String INTEL = "GenuineIntel";
    public static final String AMD = "AuthenticAMD";

    public FirmwareCpu {
        Objects.requireNonNull(vendorId, "vendorId");
        if (physBits < 32 || physBits > 52) {
            throw new IllegalArgumentException("phys-bits must be 32..52: " + physBits);
        }
        if (guestPhysBits < 0 || guestPhysBits > 52) {
            throw new IllegalArgumentException("guest-phys-bits must be 0..52: " + guestPhysBits);
        }
    }

    /** The widest address the vCPU (or, with GuestPhysBits, the hypervisor's page tables) can reach, in bits. */
    public int reachBits() {
        return guestPhysBits > 0 ? Math.min(physBits, guestPhysBits) : physBits;
    }
}
