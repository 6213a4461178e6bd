package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The window rules of ovmf-and-libvirt.md A1–A2, with the boots of A6 and of the oracle test as examples. */
class OvmfModelTest {
    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;
    private static final OvmfRelease R2022_11 = OvmfRelease.EDK2_2022_11;
    private static final Reservation AMD_HT_HOLE = new Reservation(0xFD_0000_0000L, 0xFF_FFFF_FFFFL);

    static FirmwareCpu intel(int bits, boolean gigabytePages) {
        return new FirmwareCpu(FirmwareCpu.INTEL, bits, gigabytePages, 0);
    }

    static FirmwareCpu amd(int bits) {
        return new FirmwareCpu(FirmwareCpu.AMD, bits, true, 0);
    }

    static OvmfInput input(OvmfRelease release, FirmwareCpu cpu) {
        return new OvmfInput(release, cpu, 0, OptionalLong.empty(), List.of(), PciMmio64Knob.absent());
    }

    static OvmfInput withKnob(OvmfInput input, long mib) {
        return input.withKnobMib(mib);
    }

    private static OvmfRelease release(String text) {
        return OvmfRelease.parse(text).orElseThrow();
    }

    @Test
    void amdAt40BitsIsTrustedAndGetsTheTopEighth() {
        Aperture aperture = OvmfModel.aperture(input(R2022_11, amd(40)));
        assertEquals(Aperture.Kind.DYNAMIC, aperture.kind());
        assertEquals(0xE0_0000_0000L, aperture.base());
        assertEquals(128 * GIB, aperture.size());
        assertTrue(aperture.overlaps(AMD_HT_HOLE.start(), AMD_HT_HOLE.end()), "2022.11 ignores the e820 reservation");
    }

    @Test
    void intelAt40BitsIsNotTrusted() {
        Aperture aperture = OvmfModel.aperture(input(R2022_11, intel(40, true)));
        assertEquals(Aperture.Kind.CLASSIC, aperture.kind());
        assertEquals(32 * GIB, aperture.base());
        assertEquals(32 * GIB, aperture.size());
        assertFalse(aperture.physBitsTrusted());
        assertEquals(36, aperture.physBitsUsed(), "the bits its own window needs, at least 36");
    }

    @Test
    void trustedWidthsGiveTheTableOfA2() {
        assertEquals(0x70_0000_0000L, OvmfModel.aperture(input(R2022_11, intel(39, true))).base());
        assertEquals(64 * GIB, OvmfModel.aperture(input(R2022_11, intel(39, true))).size());
        Aperture at41 = OvmfModel.aperture(input(R2022_11, intel(41, true)));
        assertEquals(1792 * GIB, at41.base());
        assertEquals(256 * GIB, at41.size());
        Aperture at46 = OvmfModel.aperture(input(R2022_11, intel(46, true)));
        assertEquals(0x3800_0000_0000L, at46.base());
        assertEquals(8 * TIB, at46.size());
        Aperture at48 = OvmfModel.aperture(input(R2022_11, intel(48, true)));
        assertEquals(0x7000_0000_0000L, at48.base(), "2022.11 caps at 47 bits");
        assertEquals(47, at48.physBitsUsed());
    }

    @Test
    void withoutGigabytePagesTrustedBitsAreCappedAt40() {
        Aperture aperture = OvmfModel.aperture(input(R2022_11, intel(46, false)));
        assertEquals(0xE0_0000_0000L, aperture.base());
        assertEquals(40, aperture.physBitsUsed());
    }

    @Test
    void intelAt36TrustedKeepsTheClassicWindow() {
        Aperture aperture = OvmfModel.aperture(input(R2022_11, intel(36, true)));
        assertEquals(Aperture.Kind.CLASSIC, aperture.kind());
        assertTrue(aperture.physBitsTrusted());
        assertFalse(aperture.beyondFirmwareAddressWidth(), "32 GiB at 32 GiB ends exactly at 2^36");
        OvmfInput moreRam = new OvmfInput(R2022_11, intel(36, true), 40 * GIB, OptionalLong.empty(), List.of(),
                PciMmio64Knob.absent());
        assertTrue(OvmfModel.aperture(moreRam).beyondFirmwareAddressWidth(), "pushed to 64 GiB, past 2^36");
    }

    @Test
    void classicWindowSitsAboveTheHotplugArea() {
        OvmfInput input = new OvmfInput(R2022_11, intel(40, true), 0, OptionalLong.of(70 * GIB), List.of(),
                PciMmio64Knob.absent());
        Aperture aperture = OvmfModel.aperture(input);
        assertEquals(96 * GIB, aperture.base(), "run i: above ~70 GiB, aligned to 32 GiB");
    }

    @Test
    void classicWindowSitsAboveRamAbove4g() {
        OvmfInput input = new OvmfInput(R2022_11, intel(40, true), 4 * GIB + 60 * GIB + 1, OptionalLong.empty(),
                List.of(), PciMmio64Knob.absent());
        assertEquals(96 * GIB, OvmfModel.aperture(input).base());
    }

    @Test
    void knobSizesTheClassicWindowAndIsNaturallyAligned() {
        Aperture aperture = OvmfModel.aperture(withKnob(input(R2022_11, intel(40, true)), 131072));
        assertEquals(0x20_0000_0000L, aperture.base(), "run e");
        assertEquals(128 * GIB, aperture.size());
        Aperture odd = OvmfModel.aperture(withKnob(input(R2022_11, intel(40, true)), 48 * 1024));
        assertEquals(32 * GIB, odd.base(), "48 GiB aligns to 32 GiB");
        assertEquals(48 * GIB, odd.size());
    }

    @Test
    void before202505TheKnobIsOnlyAMinimumWhenBitsAreTrusted() {
        assertEquals(0x70_0000_0000L, OvmfModel.aperture(withKnob(input(R2022_11, intel(39, true)), 16384)).base(),
                "run f: a smaller knob cannot shrink the dynamic window");
        Aperture larger = OvmfModel.aperture(withKnob(input(R2022_11, intel(39, true)), 131072));
        assertEquals(Aperture.Kind.CLASSIC, larger.kind(), "run j");
        assertEquals(0x20_0000_0000L, larger.base());
        Aperture shrunk = OvmfModel.aperture(withKnob(input(release("2025.05"), intel(39, true)), 16384));
        assertEquals(Aperture.Kind.CLASSIC, shrunk.kind(), "2025.05 uses the knob as given");
        assertEquals(16 * GIB, shrunk.size());
    }

    /** Booted: OVMF 2025.02-8+deb13u1, EPYC at 40 bits, X-PciMmio64Mb=65536, a 64 GiB BAR on pcie.0 at 64 GiB. */
    @Test
    void debians202502UsesTheKnobAsGiven() {
        OvmfInput epyc = withKnob(input(release("2025.02-8+deb13u1"), amd(40)), 65536);
        Aperture debian = OvmfModel.aperture(epyc);
        assertEquals(Aperture.Kind.CLASSIC, debian.kind());
        assertEquals(64 * GIB, debian.base());
        assertEquals(64 * GIB, debian.size());
        Aperture upstream = OvmfModel.aperture(withKnob(input(release("2025.02"), amd(40)), 65536));
        assertEquals(Aperture.Kind.DYNAMIC, upstream.kind(), "upstream 2025.02 still takes the knob as a minimum");
    }

    @Test
    void knobBeyondTrustedWidthIsOutOfReach() {
        Aperture aperture = OvmfModel.aperture(withKnob(input(R2022_11, intel(39, true)), 524288));
        assertEquals(512 * GIB, aperture.base(), "run k");
        assertTrue(aperture.beyondFirmwareAddressWidth());
    }

    @Test
    void from202302TheWindowMovesBelowTheHyperTransportHole() {
        OvmfInput input = new OvmfInput(release("2023.02"), amd(40), 0, OptionalLong.empty(), List.of(AMD_HT_HOLE),
                PciMmio64Knob.absent());
        Aperture aperture = OvmfModel.aperture(input);
        assertEquals(0xC0_0000_0000L, aperture.base(), "(0xFD00000000 - 128 GiB) aligned down to 128 GiB");
        assertEquals(0xE0_0000_0000L, aperture.movedFrom().getAsLong());
        assertFalse(aperture.overlaps(AMD_HT_HOLE.start(), AMD_HT_HOLE.end()));
    }

    @Test
    void capsFollowTheRelease() {
        assertEquals(47, OvmfModel.aperture(input(release("2023.05"), intel(48, true))).physBitsUsed());
        assertEquals(46, OvmfModel.aperture(input(release("2023.08"), intel(48, true))).physBitsUsed());
        FirmwareCpu wideGuest = new FirmwareCpu(FirmwareCpu.INTEL, 52, true, 52);
        assertEquals(46, OvmfModel.aperture(input(release("2026.08"), wideGuest)).physBitsUsed(),
                "GuestPhysBits lifts the cap only under 5-level paging, which OVMF builds do not turn on");
    }

    @Test
    void guestPhysBitsIsTrustedFrom202408() {
        FirmwareCpu cpu = new FirmwareCpu(FirmwareCpu.INTEL, 40, true, 39);
        assertFalse(OvmfModel.aperture(input(release("2024.05"), cpu)).physBitsTrusted());
        Aperture aperture = OvmfModel.aperture(input(release("2024.08"), cpu));
        assertTrue(aperture.physBitsTrusted());
        assertEquals(39, aperture.physBitsUsed());
        assertEquals(0x70_0000_0000L, aperture.base());
    }

    @Test
    void releasesBefore202211OnlyHaveTheClassicWindow() {
        Aperture aperture = OvmfModel.aperture(input(release("2022.08"), amd(40)));
        assertEquals(Aperture.Kind.CLASSIC, aperture.kind());
        assertEquals(32 * GIB, aperture.base());
    }

    @Test
    void hotplugPaddingIsWindowOver256() {
        assertEquals(0, OvmfModel.hotplugPadding(R2022_11, 32 * GIB));
        assertEquals(256L << 20, OvmfModel.hotplugPadding(R2022_11, 64 * GIB));
        assertEquals(512L << 20, OvmfModel.hotplugPadding(R2022_11, 128 * GIB));
        assertEquals(32 * GIB, OvmfModel.hotplugPadding(R2022_11, 8 * TIB));
        assertEquals(0, OvmfModel.hotplugPadding(release("2022.08"), 128 * GIB));
    }
}
