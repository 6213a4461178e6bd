package dev.virtlint.firmware;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/** Searches for firmware inputs under which OVMF places every BAR of a guest within the vCPU's reach. */
public final class WindowAdvisor {
    private static final long SMALLEST_KNOB_MIB = 1024;

    private WindowAdvisor() {
    }

    /**
     * A way to make every BAR fit.
     *
     * @param knobMib  the X-PciMmio64Mb value to set; empty when the phys-bits alone do it
     * @param physBits the vCPU phys-bits it needs (the current ones when they need no change)
     */
    public record Advice(OptionalLong knobMib, int physBits) {
    }

    /**
     * The least change that places every BAR: an X-PciMmio64Mb value (a power of two from 1 GiB to 16 TiB) with the
     * current phys-bits, else more phys-bits (up to {@code maxPhysBits}) alone or with a knob. Empty when nothing up
     * to that width works. The current phys-bits are tried also when they exceed {@code maxPhysBits} (a vCPU
     * wider than its host, which QEMU allows): a knob may still place the window below both widths, which is
     * where the advice must put it, since the host cannot back guest addresses beyond its own width.
     */
    public static Optional<Advice> fit(OvmfPlan plan, int maxPhysBits) {
        FirmwareCpu cpu = plan.input().cpu();
        Predicate<OvmfPlan> fits = candidate -> placesEverything(candidate)
                && !candidate.aperture().beyond(maxPhysBits);
        for (int bits = cpu.physBits(); bits <= Math.max(cpu.physBits(), maxPhysBits); bits++) {
            FirmwareCpu widened = new FirmwareCpu(cpu.vendorId(), bits, cpu.gigabytePages(), cpu.guestPhysBits());
            OvmfInput input = new OvmfInput(plan.input().release(), widened, plan.input().ramAbove4gEnd(),
                    plan.input().reservedMemoryEnd(), plan.input().e820Reservations(), plan.input().knob(),
                    plan.input().pciIo());
            if (bits != cpu.physBits() && fits.test(plan.withInput(input))) {
                return Optional.of(new Advice(OptionalLong.empty(), bits));
            }
            OptionalLong knob = smallestKnob(plan.withInput(input), fits);
            if (knob.isPresent()) {
                return Optional.of(new Advice(knob, bits));
            }
        }
        return Optional.empty();
    }

    /** The smallest X-PciMmio64Mb (a power of two, at least 1 GiB) that places every BAR within the vCPU's reach. */
    public static OptionalLong smallestKnob(OvmfPlan plan) {
        return smallestKnob(plan, WindowAdvisor::placesEverything);
    }

    /** The smallest X-PciMmio64Mb (a power of two, at least 1 GiB) under which the guest's plan is {@code acceptable}. */
    public static OptionalLong smallestKnob(OvmfPlan plan, Predicate<OvmfPlan> acceptable) {
        for (long mib = SMALLEST_KNOB_MIB; mib <= PciMmio64Knob.MAX_MIB; mib <<= 1) {
            if (acceptable.test(plan.withInput(plan.input().withKnobMib(mib)))) {
                return OptionalLong.of(mib);
            }
        }
        return OptionalLong.empty();
    }

    /** The largest X-PciMmio64Mb (a power of two, at least 1 GiB) whose window stays within the vCPU's reach. */
    public static OptionalLong largestKnobWithinReach(OvmfPlan plan) {
        for (long mib = PciMmio64Knob.MAX_MIB; mib >= SMALLEST_KNOB_MIB; mib >>= 1) {
            if (withinReach(plan.withInput(plan.input().withKnobMib(mib)))) {
                return OptionalLong.of(mib);
            }
        }
        return OptionalLong.empty();
    }

    /** Within reach, and nothing rejected for the 64-bit window (what the I/O space rejects no window brings back). */
    public static boolean placesEverything(OvmfPlan plan) {
        return withinReach(plan) && plan.place().windowHoldsEverything();
    }

    /** The window ends where the vCPU (and OVMF, when it trusts CPUID) can still address it. */
    public static boolean withinReach(OvmfPlan plan) {
        Aperture aperture = plan.aperture();
        return !aperture.beyondFirmwareAddressWidth() && !aperture.beyond(plan.input().cpu().reachBits());
    }
}
