package dev.virtlint.firmware;

import java.util.OptionalLong;

/**
 * Where OVMF puts its 64-bit PCI window (ovmf-and-libvirt.md A1, A2). Pure arithmetic on {@link OvmfInput}; checked
 * against OVMF 2022.11 booted under QEMU 10.0 by the oracle test.
 */
public final class OvmfModel {
    /** PcdPciMmio64Size in every OvmfPkgX64 build: 32 GiB. */
    public static final long DEFAULT_WINDOW = 32 * Pow2.GIB;
    private static final long FOUR_GIB = 4 * Pow2.GIB;
    private static final int MIN_ADDRESS_WIDTH = 36;
    private static final int NO_GIGABYTE_PAGES_CAP = 40;
    private static final int HOTPLUG_PADDING_DIVISOR = 256;

    private OvmfModel() {
    }

    public static Aperture aperture(OvmfInput input) {
        OvmfRelease release = input.release();
        PciMmio64Knob knob = input.knob();
        long classicSize = Pow2.alignUp(knob.isUsed() ? knob.bytes() : DEFAULT_WINDOW, Pow2.GIB);
        String sizeSource = knob.isUsed() ? "X-PciMmio64Mb=" + knob.mib() : "the default 32 GiB";
        long first = input.reservedMemoryEnd().isPresent() && classicSize != 0
                ? input.reservedMemoryEnd().getAsLong()
                : Pow2.above(input.ramAbove4gEnd(), FOUR_GIB) ? input.ramAbove4gEnd() : FOUR_GIB;
        long classicBase = Pow2.alignUp(first, Pow2.GIB);
        if (classicSize != 0) {
            classicBase = Pow2.alignUp(classicBase, Pow2.floor(classicSize));
        }
        String above = input.reservedMemoryEnd().isPresent() && classicSize != 0
                ? "above the memory-hotplug area" : "above RAM";
        String classic = "classic window: " + sizeSource + ", " + above + ", naturally aligned";

        if (!release.hasDynamicWindow()) {
            return new Aperture(classicBase, classicSize, Aperture.Kind.CLASSIC, false,
                    untrustedWidth(classicBase, classicSize), knob, OptionalLong.empty(),
                    classic + "; OVMF " + release + " predates the dynamic window");
        }
        FirmwareCpu cpu = input.cpu();
        int bits = cpu.physBits();
        boolean trusted = bits >= 41
                || (cpu.vendorId().equals(FirmwareCpu.INTEL) && (bits == 36 || bits == 39))
                || (cpu.vendorId().equals(FirmwareCpu.AMD) && bits == 40);
        boolean guestPhysBits = release.honoursGuestPhysBits() && cpu.guestPhysBits() > 0;
        StringBuilder trust = new StringBuilder();
        if (guestPhysBits) {
            trusted = true;
            bits = Math.min(bits, cpu.guestPhysBits());
            trust.append("GuestPhysBits ").append(cpu.guestPhysBits()).append(" is set");
        } else {
            trust.append(trusted ? "trusts" : "does not trust").append(" the vCPU's ").append(cpu.physBits())
                    .append(" phys-bits").append(trusted ? "" : " on " + vendorName(cpu.vendorId())
                            + ": it trusts 41 and more, Intel 36 or 39, AMD 40");
        }
        if (!trusted) {
            return new Aperture(classicBase, classicSize, Aperture.Kind.CLASSIC, false,
                    untrustedWidth(classicBase, classicSize), knob, OptionalLong.empty(),
                    "OVMF " + release + " " + trust + ", so it uses the " + classic);
        }
        int cap = release.physBitsCap();
        if (bits > cap) {
            trust.append(", capped at ").append(cap);
            bits = cap;
        }
        if (!cpu.gigabytePages() && bits > NO_GIGABYTE_PAGES_CAP) {
            trust.append(", capped at 40 because the vCPU lacks 1 GiB pages, pdpe1gb");
            bits = NO_GIGABYTE_PAGES_CAP;
        }
        String prefix = "OVMF " + release + " " + trust;
        if (release.knobOverridesDynamicWindow() && knob.isUsed()) {
            return new Aperture(classicBase, classicSize, Aperture.Kind.CLASSIC, true, bits, knob,
                    OptionalLong.empty(), prefix + "; X-PciMmio64Mb overrides the dynamic window"
                    + release.knobOverrideBackportedBy()
                            .map(distribution -> " (" + distribution + "'s build carries this change of 2025.05)")
                            .orElse("")
                    + ": " + classic);
        }
        long addressSpace = 1L << bits;
        long dynamicSize = 1L << (bits - 3);
        if (Long.compareUnsigned(classicSize, dynamicSize) < 0
                && Long.compareUnsigned(classicBase + dynamicSize, addressSpace) < 0) {
            long base = addressSpace - dynamicSize;
            OptionalLong movedFrom = OptionalLong.empty();
            String moved = "";
            if (release.movesWindowBelowReservations()) {
                for (Reservation reservation : input.e820Reservations()) {
                    if (reservation.overlaps(base, base + dynamicSize - 1)) {
                        movedFrom = OptionalLong.of(base);
                        base = Pow2.alignDown(reservation.start() - dynamicSize, dynamicSize);
                        moved = ", moved below the e820 reservation at 0x" + Long.toHexString(reservation.start());
                    }
                }
            }
            return new Aperture(base, dynamicSize, Aperture.Kind.DYNAMIC, true, bits, knob, movedFrom,
                    prefix + ": dynamic window, 1/8 of the " + bits + "-bit address space at its top" + moved);
        }
        String why = Long.compareUnsigned(classicSize, dynamicSize) >= 0
                ? sizeSource + " is not smaller than 1/8 of the " + bits + "-bit address space"
                : "1/8 of the " + bits + "-bit address space does not fit above RAM";
        return new Aperture(classicBase, classicSize, Aperture.Kind.CLASSIC, true, bits, knob, OptionalLong.empty(),
                prefix + "; " + why + ", so it keeps the " + classic);
    }

    /**
     * The 64-bit prefetchable padding OVMF gives an empty or nearly empty hot-pluggable root port: window/256 rounded
     * up to a power of two once the window exceeds 32 GiB (2022.11 and later), else none.
     */
    public static long hotplugPadding(OvmfRelease release, long windowSize) {
        if (!release.padsHotplugPortsIn64BitSpace() || Long.compareUnsigned(windowSize, DEFAULT_WINDOW) <= 0) {
            return 0;
        }
        return Pow2.ceil(windowSize / HOTPLUG_PADDING_DIVISOR);
    }

    /** Without trusted CPUID, OVMF sizes its address width to cover its own window. */
    private static int untrustedWidth(long base, long size) {
        return Math.max(MIN_ADDRESS_WIDTH, Pow2.bitsFor(base + size));
    }

    static String vendorName(String vendorId) {
        return switch (vendorId) {
            case FirmwareCpu.INTEL -> "an Intel vCPU";
            case FirmwareCpu.AMD -> "an AMD vCPU";
            default -> "vendor " + vendorId;
        };
    }
}
