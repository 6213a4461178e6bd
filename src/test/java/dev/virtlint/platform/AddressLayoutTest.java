package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressLayoutTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;
    private static final Version QEMU_10_0 = Version.parse("10.0.2");

    private static MachineType machine(String name) {
        return MachineCatalogue.parse(name).orElseThrow();
    }

    private static LayoutInput.Builder on(String machineName) {
        return LayoutInput.builder(machine(machineName), QEMU_10_0);
    }

    private static Region region(AddressMap map, String name) {
        return map.region(name).orElseThrow(() -> new AssertionError("no " + name + " in " + map.regions()));
    }

    private static void assertRegion(AddressMap map, String name, long start, long endInclusive) {
        Region region = region(map, name);
        assertEquals(start, region.start(), () -> name + " start 0x" + Long.toHexString(region.start()));
        assertEquals(endInclusive, region.endInclusive(), () -> name + " end 0x" + Long.toHexString(region.endInclusive()));
    }

    /**
     * QEMU 10.1 to 11.0 changed nothing the layout reads (pc_memory_init outside CXL, pc_max_used_gpa, the 1 TiB move
     * and the phys-bits check are the same code; the compat arrays added no memory property; docs/qemu-releases.md):
     * a newer type on its own release lays out the worked example as pc-q35-10.0 does on 10.0.
     */
    @ParameterizedTest
    @CsvSource({"pc-q35-10.1, 10.1", "pc-q35-10.2, 10.2", "pc-q35-11.0, 11.0", "pc-q35-11.1, 11.1",
            "pc-i440fx-11.1, 11.1"})
    void releasesAfter100LayOutMemoryAs100Does(String machineName, String release) {
        for (boolean amd : new boolean[] {true, false}) {
            String reference = machineName.startsWith("pc-q35") ? "pc-q35-10.0" : "pc-i440fx-10.0";
            AddressMap expected = AddressLayout.compute(
                    on(reference).ram(16 * GIB).maxMemory(TIB, 4).amdCpu(amd).build());
            AddressMap actual = AddressLayout.compute(LayoutInput.builder(machine(machineName), Version.parse(release))
                    .ram(16 * GIB).maxMemory(TIB, 4).amdCpu(amd).build());
            assertEquals(expected.regions(), actual.regions());
            assertEquals(expected.maxUsedGpa(), actual.maxUsedGpa());
            assertEquals(expected.qemuError(), actual.qemuError());
            assertEquals(machine(reference).layoutFlags().orElseThrow().enforceAmd1TbHole(),
                    machine(machineName).layoutFlags().orElseThrow().enforceAmd1TbHole());
        }
    }

    /** Knowledge file §7: q35, 16 GiB RAM, maxMemory 1 TiB with 4 slots, default pcihole64, 40 phys-bits. */
    @Nested
    class WorkedExample {

        private AddressMap example(String machineName, boolean amd, int physBits) {
            return AddressLayout.compute(on(machineName).ram(16 * GIB).maxMemory(TIB, 4).amdCpu(amd).physBits(physBits).build());
        }

        @Test
        void q35_70_amdKeepsTheLayoutAt4GiB() {
            AddressMap map = example("pc-q35-7.0", true, 40);
            assertEquals(2 * GIB, map.ramBelow4g());
            assertEquals(14 * GIB, map.ramAbove4g());
            assertFalse(map.relocatedAbove1TiB());
            assertFalse(map.amdHtHoleReserved());
            assertRegion(map, Region.RAM_BELOW_4G, 0, 0x7FFF_FFFFL);
            assertRegion(map, Region.RAM_ABOVE_4G, 0x1_0000_0000L, 0x4_7FFF_FFFFL);
            assertRegion(map, Region.DEVICE_MEMORY, 0x4_8000_0000L, 0x101_7FFF_FFFFL);
            assertRegion(map, Region.PCI_HOLE64, 0x101_8000_0000L, 0x109_7FFF_FFFFL);
            assertEquals(1012 * GIB, region(map, Region.DEVICE_MEMORY).size());
            assertEquals(OptionalLong.of(0x101_8000_0000L), map.reservedMemoryEnd());
            assertEquals(0x109_7FFF_FFFFL, map.maxUsedGpa());
            assertEquals(41, map.requiredPhysBits());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x1097fffffff phys-bits too low (40)"), map.qemuError());
            assertEquals(AddressMap.Outcome.FAILS, map.outcome());
            assertEquals(List.of(Region.DEVICE_MEMORY), map.regionsOverlappingAmdHtHole().stream().map(Region::name).toList());
            assertTrue(region(map, Region.AMD_HT_HOLE).note().contains("not reserved"));
        }

        @Test
        void q35_71_amdRelocatesTo1TiB() {
            AddressMap map = example("pc-q35-7.1", true, 40);
            assertTrue(map.relocatedAbove1TiB());
            assertTrue(map.amdHtHoleReserved());
            assertEquals(AddressLayout.AMD_ABOVE_1TB_START, map.above4gStart());
            assertRegion(map, Region.RAM_BELOW_4G, 0, 0x7FFF_FFFFL);
            assertRegion(map, Region.AMD_HT_HOLE, 0xFD_0000_0000L, 0xFF_FFFF_FFFFL);
            assertRegion(map, Region.RAM_ABOVE_4G, 0x100_0000_0000L, 0x103_7FFF_FFFFL);
            assertRegion(map, Region.DEVICE_MEMORY, 0x103_8000_0000L, 0x200_7FFF_FFFFL);
            assertRegion(map, Region.PCI_HOLE64, 0x200_8000_0000L, 0x208_7FFF_FFFFL);
            assertEquals(OptionalLong.of(0x200_8000_0000L), map.reservedMemoryEnd());
            assertEquals(0x208_7FFF_FFFFL, map.maxUsedGpa());
            assertEquals(42, map.requiredPhysBits());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x2087fffffff phys-bits too low (40)"), map.qemuError());
            assertEquals(List.of(Region.RAM_BELOW_4G, Region.AMD_HT_HOLE, Region.RAM_ABOVE_4G, Region.DEVICE_MEMORY,
                    Region.PCI_HOLE64), map.regions().stream().map(Region::name).toList());
            assertEquals(List.of(), map.regionsOverlappingAmdHtHole());
        }

        @ParameterizedTest
        @CsvSource({"pc-q35-7.0", "pc-q35-7.1"})
        void intelKeepsThe70Layout(String machineName) {
            AddressMap map = example(machineName, false, 40);
            assertFalse(map.relocatedAbove1TiB());
            assertFalse(map.amdHtHoleReserved());
            assertRegion(map, Region.DEVICE_MEMORY, 0x4_8000_0000L, 0x101_7FFF_FFFFL);
            assertEquals(41, map.requiredPhysBits());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x1097fffffff phys-bits too low (40)"), map.qemuError());
        }

        @Test
        void startsWith42Bits() {
            AddressMap map = example("pc-q35-7.1", true, 42);
            assertTrue(map.qemuWillStart());
            assertEquals(List.of(), map.errors());
            assertEquals(Optional.empty(), map.qemuError());
            assertEquals(OptionalInt.of(42), AddressLayout.smallestPhysBits(
                    on("pc-q35-7.1").ram(16 * GIB).maxMemory(TIB, 4).amdCpu(true).build()));
            assertEquals(OptionalInt.of(41), AddressLayout.smallestPhysBits(
                    on("pc-q35-7.0").ram(16 * GIB).maxMemory(TIB, 4).amdCpu(true).build()));
        }

        @Test
        void aQemu70BinaryHasNoCheck() {
            AddressMap map = AddressLayout.compute(LayoutInput.builder(machine("pc-q35-7.0"), Version.of(7, 0))
                    .ram(16 * GIB).maxMemory(TIB, 4).amdCpu(true).build());
            assertTrue(map.qemuWillStart());
            assertFalse(map.physBitsCheckPerformed());
            assertTrue(map.exceedsPhysBits());
            assertEquals(0x109_7FFF_FFFFL, map.maxUsedGpa());
        }

        @Test
        void i440fxSplitsAt3GiBWithA2GiBHole() {
            AddressMap map = AddressLayout.compute(on("pc-i440fx-7.1").ram(16 * GIB).maxMemory(TIB, 4).amdCpu(true).build());
            assertEquals(3 * GIB, map.ramBelow4g());
            assertEquals(13 * GIB, map.ramAbove4g());
            assertTrue(map.relocatedAbove1TiB());
            assertRegion(map, Region.RAM_ABOVE_4G, TIB, TIB + 13 * GIB - 1);
            assertRegion(map, Region.DEVICE_MEMORY, TIB + 13 * GIB, TIB + 13 * GIB + 1012 * GIB - 1);
            assertRegion(map, Region.PCI_HOLE64, TIB + 1025 * GIB, TIB + 1027 * GIB - 1);
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x200bfffffff phys-bits too low (40)"), map.qemuError());
        }
    }

    /** QEMU's functional test test_mem_addr_space.py: 512 MiB RAM, 1 slot, 40 phys-bits unless stated. */
    @Nested
    class QemuFunctionalTestThresholds {

        private AddressMap run(String machineName, boolean amd, int physBits, long maxMem) {
            return AddressLayout.compute(on(machineName).ram(512 * MIB).maxMemory(maxMem, 1).amdCpu(amd).physBits(physBits).build());
        }

        @ParameterizedTest(name = "{0} amd={1} phys-bits={2} maxmem={3}MiB starts={4}")
        @CsvSource({
                "pc-q35-7.0, true, 40, 1011200, true",
                "pc-q35-7.0, true, 40, 1011712, false",
                "pc-q35-7.1, true, 40, 998912, true",
                "pc-q35-7.1, true, 40, 999424, false",
                "pc-q35-7.1, false, 40, 999424, true",
                "pc-q35-7.1, true, 41, 1013760, true",
                "pc-q35-7.1, true, 41, 1015808, false",
        })
        void threshold(String machineName, boolean amd, int physBits, long maxMemMib, boolean starts) {
            AddressMap map = run(machineName, amd, physBits, maxMemMib * MIB);
            assertEquals(starts, map.qemuWillStart(), () -> map.errors().toString());
            if (!starts) {
                assertEquals(StartError.Kind.PHYS_BITS_TOO_LOW, map.errors().get(0).kind());
            }
        }

        @Test
        void relocationDecidesThe71AmdThreshold() {
            assertFalse(run("pc-q35-7.1", true, 40, 975 * GIB + 512 * MIB).relocatedAbove1TiB());
            assertTrue(run("pc-q35-7.1", true, 40, 976 * GIB).relocatedAbove1TiB());
            assertFalse(run("pc-q35-7.1", false, 40, 976 * GIB).relocatedAbove1TiB());
        }

        @Test
        void largestMaxMemoryMatchesTheThresholds() {
            LayoutInput.Builder q35v70 = on("pc-q35-7.0").ram(512 * MIB).maxMemory(2 * GIB, 1).amdCpu(true);
            assertEquals(OptionalLong.of(987 * GIB + 512 * MIB), AddressLayout.largestMaxMemoryWithinPhysBits(q35v70.build()));

            LayoutInput q35v71 = on("pc-q35-7.1").ram(512 * MIB).maxMemory(2 * GIB, 1).amdCpu(true).build();
            assertEquals(OptionalLong.of(975 * GIB + 512 * MIB), AddressLayout.largestMaxMemoryWithinPhysBits(q35v71));
            assertEquals(OptionalLong.of(975 * GIB + 512 * MIB), AddressLayout.largestMaxMemoryBelowAmdHtHole(q35v71));
            assertEquals(OptionalLong.of(991 * GIB + 512 * MIB),
                    AddressLayout.largestMaxMemoryWithinPhysBits(q35v71.withPhysBits(41)));

            LayoutInput intel = on("pc-q35-7.1").ram(512 * MIB).maxMemory(2 * GIB, 1).build();
            assertEquals(OptionalLong.of(987 * GIB + 512 * MIB), AddressLayout.largestMaxMemoryWithinPhysBits(intel));
            assertEquals(OptionalLong.of(975 * GIB + 512 * MIB), AddressLayout.largestMaxMemoryBelowAmdHtHole(intel));
        }
    }

    @Nested
    class RamSplit {

        @ParameterizedTest(name = "{0} ram={1} max-ram-below-4g={2}")
        @CsvSource({
                "pc-q35-10.0, 2816, 0, 2048",
                "pc-q35-10.0, 2815, 0, 2815",
                "pc-q35-10.0, 2047, 0, 2047",
                "pc-q35-10.0, 4096, 1500, 1500",
                "pc-q35-10.0, 4096, 4096, 2048",
                "pc-q35-10.0, 2048, 3072, 2048",
                "pc-i440fx-10.0, 3584, 0, 3072",
                "pc-i440fx-10.0, 3583, 0, 3583",
                "pc-i440fx-10.0, 5120, 4096, 3072",
                "pc-i440fx-10.0, 3900, 4096, 3900",
                "pc-i440fx-10.0, 3800, 3700, 3072",
                "pc-i440fx-10.0, 4096, 2048, 2048",
                "pc-i440fx-1.7, 4096, 0, 3584",
        })
        void lowMemory(String machineName, long ramMib, long maxRamBelow4gMib, long expectedBelowMib) {
            AddressMap map = AddressLayout.compute(on(machineName).ram(ramMib * MIB).maxRamBelow4g(maxRamBelow4gMib * MIB).build());
            assertEquals(expectedBelowMib * MIB, map.ramBelow4g());
            assertEquals((ramMib - expectedBelowMib) * MIB, map.ramAbove4g());
            assertEquals(map.ramAbove4g() != 0, map.region(Region.RAM_ABOVE_4G).isPresent());
        }

        @Test
        void maxRamBelow4gAbove4GiBIsRejected() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxRamBelow4g(5 * GIB).build());
            assertEquals(Optional.of("Machine option 'max-ram-below-4g=5368709120' expects size less than or equal to 4G"),
                    map.qemuError());
        }
    }

    @Nested
    class StartErrors {

        @Test
        void memoryOptionErrors() {
            assertEquals(Optional.of("slots specified but no max-size"),
                    AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(0, 2).build()).qemuError());
            assertEquals(Optional.of("invalid value of maxmem: maximum memory size (0x40000000) must be at least the initial"
                            + " memory size (0x80000000)"),
                    AddressLayout.compute(on("pc-q35-10.0").ram(2 * GIB).maxMemory(GIB, 0).build()).qemuError());
            assertEquals(Optional.of("invalid value of maxmem: memory slots were specified but maximum memory size"
                            + " (0x40000000) is equal to the initial memory size (0x40000000)"),
                    AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(GIB, 2).build()).qemuError());
        }

        @Test
        void maxmemWithoutSlotsGivesDeviceMemory() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(2 * GIB, 0).build());
            assertTrue(map.qemuWillStart());
            assertRegion(map, Region.DEVICE_MEMORY, 4 * GIB, 5 * GIB - 1);
        }

        @Test
        void tooManySlotsComesAfterThePhysBitsCheck() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(TIB, 300).amdCpu(true).build());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x252bfffffff phys-bits too low (40)"), map.qemuError());
            assertEquals(Optional.of(new StartError(StartError.Kind.TOO_MANY_SLOTS, "unsupported amount of memory slots: 300")),
                    map.error(StartError.Kind.TOO_MANY_SLOTS));
        }

        @Test
        void slotAndAlignmentErrors() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(GIB + 1, 300).build());
            assertEquals(List.of(StartError.Kind.TOO_MANY_SLOTS, StartError.Kind.MAXMEM_UNALIGNED),
                    map.errors().stream().map(StartError::kind).toList());
            assertEquals("maximum memory size must by aligned to multiple of 4096 bytes", map.errors().get(1).message());
        }

        @Test
        void unalignedMaxmemStillCountsInTheLayout() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(TIB + 4097, 3).amdCpu(true).build());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x208bfffffff phys-bits too low (40)"), map.qemuError());
        }

        @Test
        void hotplugUnsupportedBeforeI440fx21() {
            AddressMap map = AddressLayout.compute(LayoutInput.builder(machine("pc-i440fx-2.0"), Version.of(2, 0))
                    .ram(GIB).maxMemory(4 * GIB, 2).build());
            assertEquals(Optional.of("\"-memory 'slots|maxmem'\" is not supported by: pc-i440fx-2.0"), map.qemuError());
            assertTrue(map.deviceMemory().isEmpty());
        }

        @ParameterizedTest
        @CsvSource({"31", "53", "64"})
        void physBitsOutOfRange(int physBits) {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).physBits(physBits).build());
            assertEquals(Optional.of("phys-bits should be between 32 and 52  (but is " + physBits + ")"), map.qemuError());
            assertEquals(1, map.errors().size());
        }

        @Test
        void thirtyTwoPhysBitsCannotHoldTheDefaultQ35Hole() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).physBits(32).build());
            assertEquals(Optional.of("Address space limit 0xffffffff < 0x8ffffffff phys-bits too low (32)"), map.qemuError());
        }

        @Test
        void qemu71To81SkipTheCheckAt32Bits() {
            AddressMap map = AddressLayout.compute(LayoutInput.builder(machine("pc-q35-8.1"), Version.of(8, 1))
                    .ram(GIB).physBits(32).build());
            assertTrue(map.qemuWillStart());
            assertEquals(0xFFFF_FFFFL, map.maxUsedGpa());
        }
    }

    /** §1.6 since 8.2: a 32-bit vCPU is checked against the end of memory unless the machine type is 8.1 or older. */
    @Nested
    class ThirtyTwoBitVcpu {

        @Test
        void newMachineTypesCheckTheEndOfDeviceMemory() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(80 * GIB, 1).longMode(false).physBits(36).build());
            assertEquals(Optional.of("Address space limit 0xfffffffff < 0x14ffffffff phys-bits too low (36)"), map.qemuError());
        }

        @Test
        void newMachineTypesWithoutDeviceMemoryCheckTheEndOfRam() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(70 * GIB).longMode(false).physBits(36).build());
            assertEquals(Optional.of("Address space limit 0xfffffffff < 0x11ffffffff phys-bits too low (36)"), map.qemuError());
        }

        @Test
        void oldMachineTypesKeepTheBrokenCheck() {
            AddressMap map = AddressLayout.compute(on("pc-q35-8.1").ram(GIB).maxMemory(80 * GIB, 1).longMode(false).physBits(36).build());
            assertTrue(map.qemuWillStart());
            assertEquals(OptionalInt.empty(), AddressLayout.smallestPhysBits(
                    on("pc-q35-8.1").ram(GIB).longMode(false).physBits(36).build()));
        }

        @Test
        void physBitsRangeIsNotCheckedWithoutLongMode() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).longMode(false).physBits(36).build());
            assertTrue(map.qemuWillStart());
        }
    }

    @Nested
    class OldMachineTypes {

        @Test
        void brokenReservedEndPutsTheHoleAtTheDeviceMemoryBase() {
            AddressMap map = AddressLayout.compute(on("pc-i440fx-2.4").ram(4 * GIB).maxMemory(10 * GIB, 2).build());
            assertRegion(map, Region.RAM_ABOVE_4G, 4 * GIB, 5 * GIB - 1);
            assertRegion(map, Region.DEVICE_MEMORY, 5 * GIB, 13 * GIB - 1);
            assertEquals(5 * GIB, map.pciHole64Start());
            assertEquals(OptionalLong.of(5 * GIB), map.reservedMemoryEnd());
            assertTrue(region(map, Region.PCI_HOLE64).overlaps(region(map, Region.DEVICE_MEMORY)));

            AddressMap fixed = AddressLayout.compute(on("pc-i440fx-2.5").ram(4 * GIB).maxMemory(10 * GIB, 2).build());
            assertEquals(13 * GIB, fixed.pciHole64Start());
            assertEquals(OptionalLong.of(13 * GIB), fixed.reservedMemoryEnd());
        }

        @Test
        void brokenReservedEndMakesMaxmemUnbounded() {
            LayoutInput input = on("pc-q35-2.4").ram(4 * GIB).maxMemory(10 * GIB, 2).build();
            assertEquals(OptionalLong.of(Long.MAX_VALUE & -4096L), AddressLayout.largestMaxMemoryWithinPhysBits(input));
        }

        @Test
        void unalignedDimmsAddNoSlotPadding() {
            AddressMap map = AddressLayout.compute(LayoutInput.builder(machine("pc-i440fx-2.1"), Version.of(2, 1))
                    .ram(GIB).maxMemory(4 * GIB, 8).build());
            assertRegion(map, Region.DEVICE_MEMORY, 4 * GIB, 7 * GIB - 1);
        }
    }

    @Nested
    class PciHole64 {

        @Test
        void sizeZeroDisablesTheHole() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).pciHole64(0).build());
            assertTrue(map.region(Region.PCI_HOLE64).isEmpty());
            assertEquals(4 * GIB, map.pciHole64Start());
            assertEquals(4 * GIB - 1, map.pciHole64End());
            assertEquals(4 * GIB - 1, map.maxUsedGpa());
            assertEquals(32, map.requiredPhysBits());
        }

        @Test
        void unalignedSizesAreUsedExactly() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).pciHole64(1536 * MIB).build());
            assertRegion(map, Region.PCI_HOLE64, 4 * GIB, 4 * GIB + 1536 * MIB - 1);
        }

        @Test
        void bigHoleRelocatesAnAmdGuestWithoutAnyMaxmem() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(8 * GIB).pciHole64(TIB).amdCpu(true).physBits(42).build());
            assertTrue(map.relocatedAbove1TiB());
            assertRegion(map, Region.PCI_HOLE64, TIB + 6 * GIB, 2 * TIB + 6 * GIB - 1);
            assertTrue(map.qemuWillStart());
        }
    }

    @Nested
    class NearTwoToTheSixtyFour {

        @Test
        void hugeHoleGivesExactUnsignedNumbers() {
            AddressMap intel = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).pciHole64(Long.MIN_VALUE).build());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x80000000ffffffff phys-bits too low (40)"), intel.qemuError());
            assertEquals(64, intel.requiredPhysBits());

            AddressMap amd = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).pciHole64(Long.MIN_VALUE).amdCpu(true).build());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x800000ffffffffff phys-bits too low (40)"), amd.qemuError());
        }

        @Test
        void holeEndingExactlyAtTheTopIsStillExact() {
            long size = -4 * GIB;
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).pciHole64(size).build());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0xffffffffffffffff phys-bits too low (40)"), map.qemuError());
            assertEquals(-1L, map.maxUsedGpa());
            assertEquals(-1L, region(map, Region.PCI_HOLE64).endInclusive());
        }

        @Test
        void oneByteMoreOverflows() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).pciHole64(-4 * GIB + 1).build());
            assertEquals(AddressMap.Outcome.UNDEFINED, map.outcome());
            assertFalse(map.qemuWillStart());
            assertEquals(Optional.empty(), map.qemuError());
            assertEquals(StartError.Kind.ADDRESS_SPACE_OVERFLOW, map.errors().get(0).kind());
            assertTrue(map.errors().get(0).message().contains("end of the 64-bit PCI hole"), map.errors().get(0).message());
            assertEquals(65, map.requiredPhysBits());
            assertTrue(map.exceedsPhysBits());
            assertEquals(List.of(Region.RAM_BELOW_4G), map.regions().stream().map(Region::name).toList());
        }

        @Test
        void relocationCanPushAnAmdLayoutPastTheTop() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).pciHole64(-6 * GIB).amdCpu(true).build());
            assertEquals(AddressMap.Outcome.UNDEFINED, map.outcome());
        }

        @Test
        void deviceMemoryEndingAt2To64Overflows() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(-4 * GIB, 1).build());
            assertEquals(AddressMap.Outcome.UNDEFINED, map.outcome());
            assertTrue(map.errors().get(0).message().contains("device-memory end"), map.errors().get(0).message());
        }

        @Test
        void slotPaddingOverflowIsCaught() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(-4096, 256).build());
            assertEquals(AddressMap.Outcome.UNDEFINED, map.outcome());
            assertTrue(map.errors().get(0).message().contains("device-memory size"), map.errors().get(0).message());
        }

        @Test
        void earlierQemuErrorsStillDecideTheOutcome() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).pciHole64(-1).physBits(60).build());
            assertEquals(AddressMap.Outcome.FAILS, map.outcome());
            assertEquals(List.of(StartError.Kind.PHYS_BITS_OUT_OF_RANGE, StartError.Kind.ADDRESS_SPACE_OVERFLOW),
                    map.errors().stream().map(StartError::kind).toList());
        }

        @Test
        void hugeButRepresentableMaxmem() {
            AddressMap map = AddressLayout.compute(on("pc-q35-10.0").ram(GIB).maxMemory(Long.MIN_VALUE, 1).amdCpu(true).build());
            assertEquals(Optional.of("Address space limit 0xffffffffff < 0x80000107ffffffff phys-bits too low (40)"), map.qemuError());
        }
    }

    @Test
    void smallestPhysBitsIsEmptyBeyond52() {
        LayoutInput input = on("pc-q35-10.0").ram(GIB).pciHole64(1L << 52).build();
        assertEquals(OptionalInt.empty(), AddressLayout.smallestPhysBits(input));
        assertEquals(OptionalInt.of(52), AddressLayout.smallestPhysBits(on("pc-q35-10.0").ram(GIB).pciHole64((1L << 52) - 8 * GIB).build()));
    }

    @Test
    void largestMaxMemoryIsEmptyWhenNothingFits() {
        LayoutInput input = on("pc-q35-10.0").ram(GIB).maxMemory(2 * GIB, 1).physBits(34).build();
        assertEquals(OptionalLong.empty(), AddressLayout.largestMaxMemoryWithinPhysBits(input));
    }

    @Test
    void largestMaxMemoryWithoutSlotsMayBeTheRamItself() {
        LayoutInput input = on("pc-q35-10.0").ram(3 * GIB).pciHole64(59 * GIB).physBits(36).build();
        assertEquals(OptionalLong.of(3 * GIB), AddressLayout.largestMaxMemoryWithinPhysBits(input));
    }

    @Test
    void rejectsMachineTypesWithoutAPredictedLayout() {
        assertThrows(IllegalArgumentException.class,
                () -> LayoutInput.builder(machine("microvm"), QEMU_10_0).ram(GIB).build());
        assertThrows(IllegalArgumentException.class, () -> on("pc-q35-10.0").build());
    }

    /**
     * QEMU's e820 entry for AMD's HyperTransport range, the only thing OVMF 2023.02 and later move their window below:
     * each condition of pc_memory_init on its own, with the others met (QEMU 10.0, pc-q35-7.1, AMD, 40 bits).
     */
    @Nested
    class AmdHtReservation {
        private AddressMap map(LayoutInput input) {
            assertEquals(AddressLayout.amdHtReservationMissing(input).isEmpty(),
                    AddressLayout.compute(input).amdHtHoleReserved(), "the map and the reason agree");
            return AddressLayout.compute(input);
        }

        private LayoutInput.Builder amd40(String machineName, Version qemu) {
            return LayoutInput.builder(machine(machineName), qemu).ram(2 * GIB).amdCpu(true).physBits(40);
        }

        @Test
        void reservedForAnAmdVcpuWith40BitsOnQemuAndMachineType71() {
            LayoutInput input = amd40("pc-q35-7.1", QEMU_10_0).build();
            assertTrue(map(input).amdHtHoleReserved());
            assertEquals(Optional.empty(), AddressLayout.amdHtReservationMissing(input));
            assertTrue(map(amd40("pc-i440fx-7.1", Version.parse("7.1.0")).build()).amdHtHoleReserved());
            assertTrue(map(amd40("pc-q35-7.1", QEMU_10_0).physBits(48).build()).amdHtHoleReserved(),
                    "wider address spaces get it too, with no relocation needed");
        }

        @Test
        void notByAQemuOlderThan71WhateverTheMachineType() {
            LayoutInput input = amd40("pc-q35-6.2", Version.parse("6.2.0")).build();
            assertFalse(map(input).amdHtHoleReserved());
            assertEquals(Optional.of("QEMU 6.2 is older than 7.1"), AddressLayout.amdHtReservationMissing(input));
            assertEquals(Optional.of("QEMU 7.0 is older than 7.1"),
                    AddressLayout.amdHtReservationMissing(amd40("pc-q35-7.0", Version.parse("7.0.0")).build()));
        }

        @Test
        void notOnAMachineTypeOlderThan71EvenWithANewQemu() {
            LayoutInput input = amd40("pc-q35-7.0", QEMU_10_0).build();
            assertFalse(map(input).amdHtHoleReserved());
            assertEquals(Optional.of("machine type pc-q35-7.0 is older than 7.1"),
                    AddressLayout.amdHtReservationMissing(input));
            LayoutInput rhel = amd40("pc-q35-rhel9.0.0", QEMU_10_0).build();
            assertEquals(Optional.of("machine type pc-q35-rhel9.0.0, which has the layout of QEMU 6.2, is older than"
                    + " 7.1"), AddressLayout.amdHtReservationMissing(rhel));
            assertTrue(map(amd40("pc-q35-rhel9.2.0", QEMU_10_0).build()).amdHtHoleReserved());
        }

        @Test
        void notForAnIntelVcpu() {
            LayoutInput input = amd40("pc-q35-7.1", QEMU_10_0).amdCpu(false).build();
            assertFalse(map(input).amdHtHoleReserved());
            assertEquals(Optional.of("the vCPU is not AMD"), AddressLayout.amdHtReservationMissing(input));
        }

        @Test
        void notBelow40PhysBits() {
            LayoutInput input = amd40("pc-q35-7.1", QEMU_10_0).physBits(39).build();
            assertFalse(map(input).amdHtHoleReserved());
            assertEquals(Optional.of("the vCPU has 39 phys-bits, fewer than 40"),
                    AddressLayout.amdHtReservationMissing(input));
        }
    }
}
