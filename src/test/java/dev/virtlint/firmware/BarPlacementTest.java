package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * BAR placement as OVMF 2022.11 did it in the boots that shaped the model (EPYC at 40 bits: a 128 GiB window at
 * 0xE000000000; devices are ivshmem-plain with one 64-bit prefetchable BAR 2).
 */
class BarPlacementTest {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final long WINDOW = 0xE0_0000_0000L;

    private int devices;

    private static Aperture amd40() {
        return OvmfModel.aperture(OvmfModelTest.input(OvmfRelease.EDK2_2022_11, OvmfModelTest.amd(40)));
    }

    private PciNode.Endpoint device(int slot, int function, long size) {
        return PciNode.Endpoint.emulated("dev" + devices++, slot, function, List.of(Bar.prefetchable64(2, size)));
    }

    private static PciNode.Bridge port(int slot, boolean hotplug, PciNode... children) {
        return new PciNode.Bridge("rp" + slot, slot, 0, hotplug, OptionalLong.empty(), List.of(children));
    }

    private static Map<String, Long> addresses(Placement placement) {
        Map<String, Long> result = new TreeMap<>();
        placement.bars().forEach(bar -> result.put(bar.endpoint().id(), bar.start()));
        return result;
    }

    private static List<String> rejected(Placement placement) {
        List<String> ids = new ArrayList<>();
        placement.rejected().forEach(endpoint -> ids.add(endpoint.id()));
        return ids;
    }

    @Test
    void theWholeWindowFitsOnTheRootBusAndBehindAPort() {
        Placement root = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(device(0x10, 0, 128 * GIB)));
        assertEquals(Map.of("dev0", WINDOW), addresses(root));
        Placement port = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11,
                List.of(port(0x18, true, device(0, 0, 128 * GIB))));
        assertTrue(port.allPlaced(), "padding is a minimum, not added to the BAR");
    }

    @Test
    void anotherHotplugPortsPaddingPushesTheLargestDeviceOut() {
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11,
                List.of(port(0x18, false, device(0, 0, 128 * GIB)), port(0x1a, true)));
        assertEquals(List.of("dev0"), rejected(placement));
        assertEquals(WINDOW, placement.bridgeWindows().get(0).start());
        assertEquals(512 * MIB, placement.bridgeWindows().get(0).size());
    }

    @Test
    void bridgeWindowsAreNotRoundedUpToTheirAlignment() {
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(
                port(0x18, false, device(0, 0, 64 * GIB), device(0, 1, GIB)), port(0x19, false, device(0, 0, 32 * GIB))));
        assertTrue(placement.allPlaced());
        assertEquals(Map.of("dev0", WINDOW, "dev1", 0xF0_0000_0000L, "dev2", 0xF8_0000_0000L), addresses(placement));
    }

    @Test
    void ofEqualDevicesBehindPortsTheLastIsRejected() {
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(
                port(0x18, false, device(0, 0, 64 * GIB)), port(0x19, false, device(0, 0, 64 * GIB)),
                port(0x1a, false, device(0, 0, 16 * GIB))));
        assertEquals(List.of("dev1"), rejected(placement));
        assertEquals(Map.of("dev0", WINDOW, "dev2", 0xF0_0000_0000L), addresses(placement));
    }

    @Test
    void rootBusDevicesAreNeverRejected() {
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(
                port(0x18, false, device(0, 0, 16 * GIB), device(0, 1, 16 * GIB), device(0, 2, 16 * GIB),
                        device(0, 3, 16 * GIB), device(0, 4, 16 * GIB)),
                device(0x10, 0, 64 * GIB)));
        assertEquals(List.of("dev0"), rejected(placement), "the last of the equal BARs in the port's order");
        assertEquals(0xFC_0000_0000L, addresses(placement).get("dev1"), "behind a bridge, later functions go first");
        assertEquals(0xF0_0000_0000L, addresses(placement).get("dev4"));
    }

    @Test
    void theLargestBarBehindAnyPortIsRejectedWhateverThePortTotals() {
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(
                port(0x18, false, device(0, 0, 32 * GIB), device(0, 1, 32 * GIB), device(0, 2, 16 * GIB)),
                port(0x19, false, device(0, 0, 64 * GIB))));
        assertEquals(List.of("dev3"), rejected(placement));
    }

    @Test
    void overflowOnTheRootBusAloneFailsTheWholeEnumeration() {
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(
                device(0x10, 0, 64 * GIB), device(0x11, 0, 64 * GIB), device(0x12, 0, 16 * GIB)));
        assertEquals(Placement.Outcome.ENUMERATION_FAILED, placement.outcome());
        assertTrue(placement.bars().isEmpty());
        assertEquals(144 * GIB, placement.requiredBytes());
    }

    @Test
    void rejectingTheOnlyDeviceFailsTheWholeEnumeration() {
        Aperture classic = OvmfModel.aperture(OvmfModelTest.input(OvmfRelease.EDK2_2022_11,
                OvmfModelTest.intel(40, true)));
        Placement alone = BarPlacement.place(classic, OvmfRelease.EDK2_2022_11,
                List.of(port(0x18, true, device(0, 0, 64 * GIB))));
        assertEquals(Placement.Outcome.ENUMERATION_FAILED, alone.outcome(), "run d of the knowledge file");
        Placement withAnother = BarPlacement.place(classic, OvmfRelease.EDK2_2022_11,
                List.of(port(0x18, true, device(0, 0, 64 * GIB)), port(0x19, false, device(0, 0, MIB))));
        assertEquals(Placement.Outcome.DEVICES_REJECTED, withAnother.outcome());
        Placement paddingRemains = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11,
                List.of(port(0x18, true, device(0, 0, 256 * GIB))));
        assertEquals(Placement.Outcome.DEVICES_REJECTED, paddingRemains.outcome(), "the port keeps its padding");
    }

    @Test
    void aSparePortsPaddingIsDroppedForADeviceOnTheRootBus() {
        Aperture at39 = OvmfModel.aperture(OvmfModelTest.input(OvmfRelease.EDK2_2022_11, OvmfModelTest.intel(39, true)));
        PciNode.Bridge spare = port(0x18, true);
        Placement placement = BarPlacement.place(at39, OvmfRelease.EDK2_2022_11,
                List.of(device(0x10, 0, 64 * GIB), spare));
        assertEquals(Placement.Outcome.DEVICES_REJECTED, placement.outcome());
        assertEquals(List.of("rp24"), rejected(placement));
        assertEquals(Map.of("dev0", 0x70_0000_0000L), addresses(placement));
        assertTrue(placement.bridgeWindows().isEmpty());
    }

    @Test
    void aPortLosesItsPaddingBeforeItsDevice() {
        PciNode.Endpoint small = device(0, 0, 16 * MIB);
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11,
                List.of(device(0x10, 0, 128 * GIB), port(0x18, true, small)));
        assertEquals(List.of("rp24", "dev0"), rejected(placement),
                "its 512 MiB padding outweighs its 16 MiB device, which still does not fit without it");
        assertTrue(placement.isUnassigned(small));
    }

    @Test
    void aPortWhosePaddingIsDroppedKeepsItsDevice() {
        List<PciNode> rootBus = new ArrayList<>();
        for (long size = 64 * GIB; size >= GIB; size /= 2) {
            rootBus.add(device(0x10 + rootBus.size(), 0, size));
        }
        PciNode.Endpoint kept = device(0, 0, 16 * MIB);
        rootBus.add(port(0x18, true, device(0, 0, 16 * MIB)));
        rootBus.add(port(0x19, true, device(0, 0, 16 * MIB)));
        rootBus.add(port(0x1a, true, kept));
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, rootBus);
        assertEquals(List.of("rp26", "rp25"), rejected(placement), "127 GiB on pcie.0 leaves room for one padding");
        assertTrue(placement.unassigned().isEmpty());
        assertEquals(0xFF_E100_0000L, placement.barsOf(kept).get(0).start(), "after rp25's 16 MiB");
    }

    @Test
    void vgaControllersAreNeverRejected() {
        PciNode.Endpoint vga = PciNode.Endpoint.emulatedVga("vga", 0, 0, List.of(Bar.prefetchable64(4, 64 * GIB)));
        PciNode.Endpoint other = device(0, 0, 64 * GIB);
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(
                port(0x18, false, other), port(0x19, false, vga), port(0x1a, false, device(0, 0, 16 * GIB))));
        assertEquals(List.of("dev0"), rejected(placement), "of equals the last is rejected, unless it is a VGA one");
        Placement stuck = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(
                port(0x18, false, vga), port(0x19, false,
                        PciNode.Endpoint.emulatedVga("vga2", 0, 0, List.of(Bar.prefetchable64(4, 128 * GIB))))));
        assertEquals(Placement.Outcome.ENUMERATION_FAILED, stuck.outcome());
    }

    @Test
    void rootBusKeepsScanOrderAmongEquals() {
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, List.of(
                port(0x18, false, device(0, 0, 32 * GIB)), device(0x10, 0, 32 * GIB), device(0x11, 0, 32 * GIB),
                port(0x19, false, device(0, 0, 32 * GIB))));
        assertEquals(Map.of("dev1", WINDOW, "dev2", 0xE8_0000_0000L, "dev0", 0xF0_0000_0000L,
                "dev3", 0xF8_0000_0000L), addresses(placement));
    }

    @Test
    void hotplugHintReplacesTheDefaultPadding() {
        PciNode.Bridge hinted = new PciNode.Bridge("rp1", 0x19, 0, true, OptionalLong.of(2 * GIB), List.of());
        PciNode.Bridge hintedNoHotplug = new PciNode.Bridge("rp0", 0x18, 0, false, OptionalLong.of(2 * GIB), List.of());
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11,
                List.of(hintedNoHotplug, hinted, port(0x1a, false, device(0, 0, 256 * MIB))));
        assertEquals(2, placement.bridgeWindows().size());
        assertEquals(2 * GIB, placement.bridgeWindows().get(0).size());
        assertEquals("rp1", placement.bridgeWindows().get(0).bridge().id());
    }

    @Test
    void classicWindowHasNoHotplugPadding() {
        Aperture classic = OvmfModel.aperture(OvmfModelTest.input(OvmfRelease.EDK2_2022_11,
                OvmfModelTest.intel(40, true)));
        Placement placement = BarPlacement.place(classic, OvmfRelease.EDK2_2022_11, List.of(
                port(0x18, true), device(0x10, 0, 8 * GIB), device(0x11, 0, 16 * GIB),
                port(0x19, true, device(0, 0, GIB))));
        assertEquals(Map.of("dev0", 0xC_0000_0000L, "dev1", 0x8_0000_0000L, "dev2", 0xE_0000_0000L),
                addresses(placement));
        assertEquals(1, placement.bridgeWindows().size());
    }

    @Test
    void windowOutOfTheFirmwaresReachFailsEnumeration() {
        Aperture outOfReach = OvmfModel.aperture(OvmfModelTest.withKnob(
                OvmfModelTest.input(OvmfRelease.EDK2_2022_11, OvmfModelTest.intel(39, true)), 524288));
        Placement placement = BarPlacement.place(outOfReach, OvmfRelease.EDK2_2022_11,
                List.of(port(0x18, true, device(0, 0, 16 * GIB))));
        assertEquals(Placement.Outcome.ENUMERATION_FAILED, placement.outcome());
    }

    @Test
    void onlyOvmf202602PutsNonPrefetchable64BitBarsInABridgesPrefetchableWindow() {
        PciNode.Endpoint registersAndMemory = PciNode.Endpoint.emulated("dev0", 0, 0,
                List.of(new Bar(0, 16 * MIB, true, false), Bar.prefetchable64(2, 16 * GIB)));
        List<PciNode> tree = List.of(port(0x18, false, registersAndMemory));
        for (String before : List.of("2025.11", "2026.05")) {
            Placement placement = BarPlacement.place(amd40(), OvmfRelease.parse(before).orElseThrow(), tree);
            assertEquals(List.of(2), placement.bars().stream().map(bar -> bar.bar().index()).toList(), before);
            assertEquals(16 * GIB, placement.bridgeWindows().get(0).size(), before);
        }
        Placement degraded = BarPlacement.place(amd40(), OvmfRelease.parse("2026.02").orElseThrow(), tree);
        assertEquals(Map.of(2, WINDOW, 0, WINDOW + 16 * GIB), degraded.bars().stream()
                .collect(Collectors.toMap(bar -> bar.bar().index(), Placement.PlacedBar::start)));
        assertEquals(16 * GIB + 16 * MIB, degraded.bridgeWindows().get(0).size());
    }

    @Test
    void nonPrefetchable64BitBarsOnTheRootBusShareTheWindowInEveryRelease() {
        List<PciNode> tree = List.of(PciNode.Endpoint.emulated("dev0", 0x10, 0,
                List.of(new Bar(0, 16 * MIB, true, false))));
        for (String release : List.of("2022.11", "2025.11", "2026.02", "2026.05")) {
            assertEquals(1, BarPlacement.place(amd40(), OvmfRelease.parse(release).orElseThrow(), tree).bars().size(),
                    release);
        }
    }
}
