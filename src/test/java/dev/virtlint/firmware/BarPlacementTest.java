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

    /** ICH9's AHCI and SMBus, whose I/O BARs every q35 machine has on its root bus. */
    private static final List<PciNode> ICH9 = List.of(
            PciNode.Endpoint.emulated("ahci", 0x1f, 2, List.of(Bar.io(4, 32))),
            PciNode.Endpoint.emulated("smbus", 0x1f, 3, List.of(Bar.io(4, 64))));

    /** Root ports packed eight to a slot from slot 2, as virt-manager writes them, named rp0, rp1, …. */
    private static List<PciNode> bank(List<PciNode.Bridge> ports) {
        List<PciNode> rootBus = new ArrayList<>(ports);
        rootBus.addAll(ICH9);
        return rootBus;
    }

    private static PciNode.Bridge bankPort(int index, boolean hotplug, PciNode... children) {
        return new PciNode.Bridge("rp" + index, 2 + index / 8, index % 8, hotplug, OptionalLong.empty(),
                List.of(children));
    }

    private static List<PciNode.Bridge> hotplugPorts(int count) {
        List<PciNode.Bridge> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(bankPort(i, true));
        }
        return ports;
    }

    private static List<String> ids(List<? extends PciNode> nodes) {
        return nodes.stream().map(PciNode::id).toList();
    }

    private static Map<String, Long> ioWindows(Placement placement) {
        Map<String, Long> windows = new TreeMap<>();
        placement.io().windows().forEach(window -> windows.put(window.bridge().id(), window.start()));
        return windows;
    }

    /** An A100 stand-in's function: pci-testdev, 256 ports of I/O at BAR 1 and a 64-bit BAR 2. */
    private PciNode.Endpoint withIo(int function, long size) {
        return PciNode.Endpoint.emulated("dev" + devices++, 0, function,
                List.of(Bar.io(1, 256), Bar.prefetchable64(2, size)));
    }

    /** Booted: OVMF 2022.11 with 14 hot-pluggable root ports has I/O for ten, 2025.02 pads none. */
    @Test
    void upTo2023_05TenHotplugPortsGetIoAndTheLowestNumberedLoseTheirPadding() {
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, bank(hotplugPorts(14)));
        assertEquals(List.of("rp0", "rp1", "rp2", "rp3"), ids(placement.io().rejected()));
        assertEquals(List.of("rp0", "rp1", "rp2", "rp3"), rejected(placement));
        assertTrue(placement.allPlaced(), "padding the I/O space takes back counts for no device");
        assertEquals(10, placement.bridgeWindows().size(), "their 64-bit padding went with the I/O");
        assertEquals(WINDOW, placement.bridgeWindows().get(0).start());
        assertEquals("rp4", placement.bridgeWindows().get(0).bridge().id());
        assertEquals(0x6000L, ioWindows(placement).get("rp13"), "the last scanned port comes first");
        assertEquals(0xF000L, ioWindows(placement).get("rp4"));
        assertEquals(14 * 0x1000L, placement.io().requiredBytes());
        for (int ports : new int[] {8, 9, 10}) {
            assertTrue(BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, bank(hotplugPorts(ports))).rejected()
                    .isEmpty(), ports + " ports");
        }
        assertEquals(List.of("rp0", "rp1", "rp2", "rp3", "rp4"), rejected(BarPlacement.place(amd40(),
                OvmfRelease.EDK2_2022_11, bank(hotplugPorts(15)))));
        Placement later = BarPlacement.place(amd40(), OvmfRelease.DEBIAN_2025_02, bank(hotplugPorts(14)));
        assertTrue(later.rejected().isEmpty());
        assertTrue(later.io().windows().isEmpty(), "from 2023.08 a port gets I/O only for its devices");
        assertEquals(14, later.bridgeWindows().size());
        Placement i440fx = BarPlacement.place(amd40(), PciIoAperture.I440FX, OvmfRelease.EDK2_2022_11,
                List.of(port(0x10, true), port(0x11, true), port(0x12, true), port(0x13, true), port(0x14, true),
                        PciNode.Endpoint.emulated("ide", 1, 1, List.of(Bar.io(4, 16)))));
        assertEquals(List.of("rp16"), rejected(i440fx), "booted: 0xc000-0xffff holds four of five SHPC bridges");
    }

    @Test
    void portsWithHotplugOffNeedNoIo() {
        List<PciNode.Bridge> ports = hotplugPorts(14);
        for (int index : new int[] {1, 3, 6}) {
            ports.set(index, bankPort(index, false));
        }
        assertEquals(List.of("rp0"), rejected(BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, bank(ports))));
    }

    /** Booted: a device with I/O behind rp0 keeps rp0's window, so its padding goes first and frees nothing. */
    @Test
    void aPortWhoseDeviceNeedsIoLosesItsPaddingFirstAndFreesNothing() {
        List<PciNode.Bridge> ports = hotplugPorts(14);
        ports.set(0, bankPort(0, true, withIo(0, 16 * GIB), withIo(2, 32 * MIB)));
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, bank(ports));
        assertEquals(List.of("rp0", "rp1", "rp2", "rp3", "rp4", "rp5"), rejected(placement),
                "nine windows: rp0's, a full 4 KiB last in the list, leaves the root bus's own I/O a 4 KiB more");
        assertEquals(0xE000L, ioWindows(placement).get("rp0"));
        assertTrue(placement.unassigned().isEmpty());
    }

    /** Booted on 2022.11, 2025.02 and 2026.08: with no padding left, devices that need I/O go, every BAR of them. */
    @Test
    void devicesThatNeedIoAreRejectedWholeWhenNoPaddingIsLeft() {
        List<PciNode.Bridge> ports = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            ports.add(bankPort(i, false, withIo(0, GIB), withIo(2, 32 * MIB)));
        }
        for (OvmfRelease release : List.of(OvmfRelease.EDK2_2022_11, OvmfRelease.DEBIAN_2025_02)) {
            Placement placement = BarPlacement.place(amd40(), release, bank(ports));
            assertEquals(List.of("dev0", "dev1", "dev2", "dev3"), rejected(placement), release.toString());
            assertEquals(Placement.Outcome.DEVICES_REJECTED, placement.outcome());
            assertEquals(List.of("dev0", "dev1", "dev2", "dev3"), ids(placement.unassigned()));
            assertTrue(placement.bars().stream().noneMatch(bar -> bar.endpoint().id().equals("dev0")),
                    "its 64-bit BAR goes too, though the window had room");
        }
    }

    @Test
    void vgaControllersThatNeedIoAreNeverRejectedSoAFullIoSpaceStopsTheFirmware() {
        List<PciNode.Bridge> ports = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            ports.add(bankPort(i, false, PciNode.Endpoint.emulatedVga("vga" + i, 0, 0,
                    List.of(Bar.io(5, 128), Bar.prefetchable64(1, GIB)))));
        }
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.DEBIAN_2025_02, bank(ports));
        assertEquals(Placement.Outcome.ENUMERATION_FAILED, placement.outcome());
        assertTrue(placement.io().exhausted());
    }

    /**
     * Booted on 2022.11: one rejection per kind of resource in each attempt. The first attempt rejects the 32 GiB
     * device for the 64-bit window and rp0's padding for the I/O space; the four paddings the I/O space takes would
     * have made room for the device.
     */
    @Test
    void eachAttemptRejectsOnceForTheIoSpaceAndOnceForTheWindow() {
        List<PciNode.Bridge> ports = hotplugPorts(14);
        PciNode.Endpoint large = device(0, 0, 32 * GIB);
        ports.set(13, bankPort(13, true, large));
        List<PciNode> rootBus = new ArrayList<>();
        long[] sizes = {64 * GIB, 16 * GIB, 8 * GIB, 2 * GIB, GIB};
        for (int i = 0; i < sizes.length; i++) {
            rootBus.add(device(0x10 + i, 0, sizes[i]));
        }
        rootBus.addAll(bank(ports));
        Placement placement = BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, rootBus);
        assertEquals(List.of("rp0", large.id(), "rp1", "rp2", "rp3"), rejected(placement));
        assertTrue(placement.isUnassigned(large));
        List<PciNode.Bridge> withoutFour = ports.subList(4, 14);
        List<PciNode> sequential = new ArrayList<>(rootBus.subList(0, sizes.length));
        sequential.addAll(bank(withoutFour));
        assertTrue(BarPlacement.place(amd40(), OvmfRelease.EDK2_2022_11, sequential).allPlaced(),
                "without those four ports the device fits");
    }
}
