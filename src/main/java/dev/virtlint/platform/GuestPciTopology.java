package dev.virtlint.platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import dev.virtlint.domain.Controller;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.GuestPciAddress;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.QemuDeviceOverride;
import dev.virtlint.domain.QemuProperty;
import dev.virtlint.firmware.PciNode;
import dev.virtlint.platform.EmulatedDevices.AutoPlacement;
import dev.virtlint.platform.EmulatedDevices.Device;
import dev.virtlint.xml.XmlElement;

/**
 * The guest's PCI tree as OVMF scans it, built from the domain: PCI controllers, passed-through devices and emulated
 * devices with 64-bit BARs, at their guest addresses. Where the domain leaves addresses to libvirt, the tree follows
 * what libvirt 11.3 does when it defines a q35 domain (checked with {@code virsh domxml-to-native}): a PCIe device
 * goes into the first empty root or switch downstream port, in controller-index order, and only when there is none
 * into a new hot-pluggable pcie-root-port; a switch's upstream port goes into the first empty port and its downstream
 * ports into its slots; conventional PCI devices go behind a pcie-to-pci-bridge (libvirt adds one, with a root port,
 * when the domain has none); video and ich9 sound sit on the root bus; a qemu-xhci USB controller and a virtio
 * memballoon are added unless the domain says otherwise, and so is one spare root port when the domain names no PCI
 * controller of its own.
 */
final class GuestPciTopology {
    private static final int ICH9_SLOT = 0x1f;
    private static final int SLOTS = 32;
    private static final int FUNCTIONS = 8;
    private static final String LIBVIRT_PORT = "libvirt's pcie-root-port";

    record Topology(List<PciNode> rootBus, List<String> notes) {
    }

    private static final class Bus {
        final List<Object> children = new ArrayList<>();
        final Set<Integer> usedDevfns = new HashSet<>();
    }

    /** What a bridge's secondary bus accepts when libvirt places a device or controller without an address. */
    private enum BusKind {
        /** Slot 0 of a root port or switch downstream port: one PCIe device, an upstream port or a PCI bridge. */
        PCIE_PORT,
        /** A switch upstream port's bus: its downstream ports. */
        SWITCH,
        /** A PCI bridge's bus (pcie-to-pci-bridge, pci-bridge, dmi-to-pci-bridge): conventional devices, slot 1 on. */
        CONVENTIONAL,
        /** Anything else (an expander bus): libvirt puts nothing there on its own here. */
        OTHER
    }

    /** A bridge while the tree is built; its position comes from its parent bus's entry. */
    private static final class BridgeDraft {
        final String id;
        final BusKind kind;
        final boolean hotplug;
        final OptionalLong pref64Reserve;
        final Bus bus = new Bus();

        BridgeDraft(String id, BusKind kind, boolean hotplug, OptionalLong pref64Reserve) {
            this.id = id;
            this.kind = kind;
            this.hotplug = hotplug;
            this.pref64Reserve = pref64Reserve;
        }

        boolean hasFreePort() {
            return kind == BusKind.PCIE_PORT && bus.usedDevfns.stream().noneMatch(devfn -> devfn >> 3 == 0);
        }
    }

    private record Placed(int slot, int function, Object node) {
    }

    /** A device without a PCI address, which libvirt places when it defines the domain. */
    private record Auto(Device device, Optional<String> hostDevice, String kind) {
    }

    /**
     * The order in which libvirt gives devices without an address their slots, by element (checked with
     * {@code virsh domxml-to-native}: interfaces, then the USB controller, then disks, then the memballoon).
     */
    private static final List<String> ASSIGNMENT_ORDER = List.of("filesystem", "interface", "sound", "controller",
            "disk", "hostdev", "memballoon", "rng", "watchdog", "video", "input", "shmem", "vsock", "iommu", "crypto",
            "memory");

    private final DomainDef domain;
    private final boolean q35;
    private final EmulatedDevices emulatedDevices;
    private final Bus root = new Bus();
    private final Map<Integer, BridgeDraft> bridgesByIndex = new HashMap<>();
    /** Every bridge's bus in libvirt's search order: the domain's by index, then those libvirt adds, in turn. */
    private final List<BridgeDraft> busOrder = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final List<String> autoRootPorts = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int rootPortSlot = -1;
    private int addedRootPorts;
    private boolean memballoonMissing;

    private GuestPciTopology(DomainDef domain, MachineFamily family) {
        this.domain = domain;
        this.q35 = family == MachineFamily.Q35;
        this.emulatedDevices = new EmulatedDevices(family, this::unique);
        if (q35) {
            root.usedDevfns.add(0);
            for (int function = 0; function < FUNCTIONS; function++) {
                root.usedDevfns.add(ICH9_SLOT << 3 | function);
            }
        } else {
            root.usedDevfns.add(0);
            root.usedDevfns.add(1 << 3);
        }
    }

    static Resolved<Topology> build(DomainDef domain, MachineFamily family) {
        GuestPciTopology builder = new GuestPciTopology(domain, family);
        Optional<String> unsupported = builder.unsupported();
        if (unsupported.isPresent()) {
            return Resolved.unknown(unsupported.get());
        }
        builder.addControllers();
        List<Auto> autos = new ArrayList<>();
        builder.addEmulatedDevices(autos);
        builder.addHostdevs(autos);
        builder.addDefaultMemballoon(autos);
        builder.placeAutomatically(autos);
        return Resolved.of(new Topology(builder.freeze(builder.root), builder.notes()), "the domain's devices");
    }

    private Optional<String> unsupported() {
        for (Controller controller : domain.controllers()) {
            if (controller.isPci() && controller.model().map(m -> m.endsWith("expander-bus")).orElse(false)) {
                return Optional.of("a " + controller.model().get() + " adds a second PCI host bridge with its own"
                        + " share of the window, which virt-lint does not model");
            }
        }
        Map<Integer, Integer> parents = new HashMap<>();
        for (Controller controller : domain.controllers()) {
            if (controller.isPci() && controller.index().isPresent() && controller.address().isPresent()) {
                parents.put(controller.index().get(), controller.address().get().address().bus());
            }
        }
        for (Integer start : parents.keySet()) {
            Set<Integer> seen = new HashSet<>();
            for (Integer at = start; at != null && at != 0; at = parents.get(at)) {
                if (!seen.add(at)) {
                    return Optional.of("the PCI controllers' addresses form a loop (index " + start + ")");
                }
            }
        }
        return Optional.empty();
    }

    private void addControllers() {
        List<Controller> bridges = domain.controllers().stream()
                .filter(c -> c.isPci() && !c.isRootBus() && c.index().isPresent())
                .sorted(Comparator.comparingInt(c -> c.index().get()))
                .toList();
        for (Controller controller : bridges) {
            String model = controller.model().orElse("pci-bridge");
            String id = unique(controller.alias().orElse("pci." + controller.index().get()) + " " + model);
            BridgeDraft draft = new BridgeDraft(id, busKind(controller, model), padded(controller, model),
                    pref64Reserve(controller));
            bridgesByIndex.put(controller.index().get(), draft);
            busOrder.add(draft);
        }
        List<Controller> unaddressed = new ArrayList<>();
        for (Controller controller : bridges) {
            BridgeDraft bridge = bridgesByIndex.get(controller.index().get());
            if (controller.address().isPresent()) {
                PciAddressOf at = PciAddressOf.of(controller.address().get());
                attachTo(at.bus(), at.slot(), at.function(), bridge);
            } else if (controller.isRootPort()) {
                int devfn = nextRootPortDevfn();
                place(root, bridge, devfn >> 3, devfn & 7);
            } else {
                unaddressed.add(controller);
            }
        }
        // Then the other controllers without an address, each into the first bus that takes it (virsh
        // domxml-to-native: a switch's upstream port into the first free root port, its downstream ports into the
        // upstream port's slots).
        for (Controller controller : unaddressed) {
            BridgeDraft bridge = bridgesByIndex.get(controller.index().get());
            String model = controller.model().orElse("pci-bridge");
            if (model.equals("pcie-switch-upstream-port") || model.equals("pcie-to-pci-bridge")) {
                BridgeDraft port = firstFreePort().orElseGet(() -> addRootPort(LIBVIRT_PORT + " for " + bridge.id,
                        bridge.id));
                place(port.bus, bridge, 0, 0);
            } else if (model.equals("pcie-switch-downstream-port") && firstBusWithSlot(BusKind.SWITCH, 0).isPresent()) {
                BridgeDraft upstream = firstBusWithSlot(BusKind.SWITCH, 0).get();
                int slot = firstFreeSlot(upstream.bus, 0);
                place(upstream.bus, bridge, slot, 0);
            } else if (model.equals("pci-bridge") && firstBusWithSlot(BusKind.CONVENTIONAL, 1).isPresent()) {
                BridgeDraft parent = firstBusWithSlot(BusKind.CONVENTIONAL, 1).get();
                int slot = firstFreeSlot(parent.bus, 1);
                place(parent.bus, bridge, slot, 0);
            } else {
                int slot = firstFreeSlot(root, 1);
                place(root, bridge, slot, 0);
            }
        }
    }

    private static BusKind busKind(Controller controller, String model) {
        if (controller.isRootPort() || model.equals("pcie-switch-downstream-port")) {
            return BusKind.PCIE_PORT;
        }
        return switch (model) {
            case "pcie-switch-upstream-port" -> BusKind.SWITCH;
            case "pcie-to-pci-bridge", "pci-bridge", "dmi-to-pci-bridge" -> BusKind.CONVENTIONAL;
            default -> BusKind.OTHER;
        };
    }

    /**
     * Whether OVMF pads the bridge's windows for hot-plug (edk2 PciBusDxe's IsPciHotPlugBus): a root or downstream
     * port whose slot is hot-plug capable (libvirt's {@code hotplug='off'} turns that off), and the PCI bridges whose
     * standard hot-plug controller QEMU always builds in (pcie-pci-bridge; pci-bridge, whose {@code shpc} libvirt
     * leaves on). Booting OVMF 2022.11 and 2025.02 showed it for root and downstream ports and pcie-pci-bridge
     * (OvmfOracleTest); for pci-bridge it follows from QEMU's {@code shpc=on} default.
     */
    private static boolean padded(Controller controller, String model) {
        if (controller.isRootPort() || model.equals("pcie-switch-downstream-port")) {
            return !controller.hotplug().map("off"::equals).orElse(false);
        }
        return model.equals("pcie-to-pci-bridge") || model.equals("pci-bridge");
    }

    /** The first root or downstream port, in libvirt's bus order, with nothing in its slot. */
    private Optional<BridgeDraft> firstFreePort() {
        return busOrder.stream().filter(BridgeDraft::hasFreePort).findFirst();
    }

    /** The first bus of {@code kind}, in libvirt's bus order, with a wholly free slot at or after {@code from}. */
    private Optional<BridgeDraft> firstBusWithSlot(BusKind kind, int from) {
        return busOrder.stream().filter(bridge -> bridge.kind == kind && hasFreeSlot(bridge.bus, from)).findFirst();
    }

    /** QEMU's pref64-reserve hint, set through {@code <qemu:override>} on the controller's alias. */
    private OptionalLong pref64Reserve(Controller controller) {
        String alias = controller.alias().orElse("pci." + controller.index().get());
        for (QemuDeviceOverride override : domain.honouredDeviceOverrides()) {
            if (!override.alias().equals(alias)) {
                continue;
            }
            for (QemuProperty property : override.properties()) {
                if (property.name().equals("pref64-reserve") && property.value().isPresent()) {
                    try {
                        return OptionalLong.of(Long.parseUnsignedLong(property.value().get().strip()));
                    } catch (NumberFormatException e) {
                        return OptionalLong.empty();
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    private void addHostdevs(List<Auto> autos) {
        for (Hostdev hostdev : domain.pciHostdevs()) {
            if (hostdev.source().isEmpty()) {
                continue;
            }
            String bdf = hostdev.source().get().bdf();
            String id = unique("hostdev " + bdf);
            if (hostdev.guestAddress().isPresent()) {
                PciAddressOf at = PciAddressOf.of(hostdev.guestAddress().get());
                attachTo(at.bus(), at.slot(), at.function(),
                        PciNode.Endpoint.passthrough(id, at.slot(), at.function(), bdf));
            } else {
                autos.add(new Auto(new Device(id, List.of(), AutoPlacement.ROOT_PORT, -1), Optional.of(bdf),
                        "hostdev"));
            }
        }
    }

    private void addEmulatedDevices(List<Auto> autos) {
        List<XmlElement> elements = domain.devices().map(XmlElement::children).orElse(List.of());
        boolean hasUsbController = false;
        boolean hasMemballoon = false;
        for (XmlElement element : elements) {
            if (!element.namespaceUri().isEmpty()) {
                continue;
            }
            hasUsbController |= element.qualifiedName().equals("controller")
                    && element.attributeValue("type").map("usb"::equals).orElse(false);
            hasMemballoon |= element.qualifiedName().equals("memballoon");
            Optional<Device> device = emulatedDevices.device(element);
            if (device.isEmpty()) {
                continue;
            }
            Optional<XmlElement> address = element.children("address").stream()
                    .filter(a -> a.attributeValue("type").map("pci"::equals).orElse(false))
                    .findFirst();
            Optional<PciAddressOf> location = address.flatMap(PciAddressOf::read);
            if (location.isPresent()) {
                PciAddressOf at = location.get();
                attachTo(at.bus(), at.slot(), at.function(),
                        PciNode.Endpoint.emulated(device.get().id(), at.slot(), at.function(), device.get().bars()));
            } else {
                autos.add(new Auto(device.get(), Optional.empty(), element.qualifiedName()));
            }
        }
        if (q35 && !hasUsbController) {
            autos.add(new Auto(emulatedDevices.defaultUsbController(), Optional.empty(), "controller"));
            notes.add("libvirt adds a qemu-xhci USB controller, as the domain has none");
        }
        memballoonMissing = !hasMemballoon;
    }

    /** libvirt's default memballoon comes after the devices the domain names. */
    private void addDefaultMemballoon(List<Auto> autos) {
        if (memballoonMissing) {
            autos.add(new Auto(emulatedDevices.defaultMemballoon(), Optional.empty(), "memballoon"));
            notes.add("libvirt adds a virtio memballoon, as the domain has no <memballoon>");
        }
    }

    /** Devices without an address, in libvirt's order: root-bus devices first, then the rest. */
    private void placeAutomatically(List<Auto> unordered) {
        List<Auto> autos = new ArrayList<>(unordered);
        autos.sort(Comparator.comparingInt(auto -> ASSIGNMENT_ORDER.indexOf(auto.kind())));
        for (Auto auto : autos) {
            Device device = auto.device();
            if (device.placement() == AutoPlacement.ROOT_BUS || !q35) {
                int slot = device.preferredRootSlot() >= 0 && !root.usedDevfns.contains(device.preferredRootSlot() << 3)
                        ? device.preferredRootSlot() : firstFreeSlot(root, 1);
                place(root, endpoint(auto, slot, 0), slot, 0);
            }
        }
        if (!q35) {
            return;
        }
        // libvirt adds the controllers conventional PCI devices need before it places any device: a root port and a
        // pcie-to-pci-bridge, which then goes into the first free port, the domain's own before the one just added.
        List<String> conventional = autos.stream().filter(auto -> auto.device().placement() == AutoPlacement.PCI_BRIDGE)
                .map(auto -> auto.device().id()).toList();
        if (!conventional.isEmpty() && firstBusWithSlot(BusKind.CONVENTIONAL, 1).isEmpty()) {
            Optional<BridgeDraft> domainPort = firstFreePort();
            BridgeDraft added = addRootPort(domainPort.isPresent() ? "libvirt's extra pcie-root-port"
                    : LIBVIRT_PORT + " for pcie-to-pci-bridge", null);
            BridgeDraft pciBridge = new BridgeDraft(unique("pcie-to-pci-bridge"), BusKind.CONVENTIONAL, true,
                    OptionalLong.empty());
            busOrder.add(pciBridge);
            BridgeDraft port = domainPort.orElse(added);
            place(port.bus, pciBridge, 0, 0);
            addedRootPorts++;
            notes.add("libvirt adds a pcie-to-pci-bridge for " + String.join(", ", conventional) + " and a root port,"
                    + " and puts the bridge into " + (domainPort.isPresent() ? port.id + ", the first free port,"
                    + " which leaves " + added.id + " for later devices" : added.id));
        }
        List<String> intoPorts = new ArrayList<>();
        for (Auto auto : autos) {
            Device device = auto.device();
            if (device.placement() == AutoPlacement.ROOT_PORT) {
                Optional<BridgeDraft> free = firstFreePort();
                free.ifPresent(port -> intoPorts.add(device.id() + " into " + port.id));
                BridgeDraft port = free.orElseGet(() -> addRootPort(LIBVIRT_PORT + " for " + device.id(), device.id()));
                place(port.bus, endpoint(auto, 0, 0), 0, 0);
            } else if (device.placement() == AutoPlacement.PCI_BRIDGE) {
                BridgeDraft pciBridge = firstBusWithSlot(BusKind.CONVENTIONAL, 1).orElseThrow();
                int slot = firstFreeSlot(pciBridge.bus, 1);
                place(pciBridge.bus, endpoint(auto, slot, 0), slot, 0);
            }
        }
        if (!intoPorts.isEmpty()) {
            notes.add("libvirt puts " + String.join(", ", intoPorts) + ", the first free ports");
        }
        if (!autoRootPorts.isEmpty()) {
            notes.add("libvirt puts " + String.join(", ", autoRootPorts) + " behind new hot-pluggable pcie-root-ports");
        }
        if (addedRootPorts > 0 && domain.controllers().stream().noneMatch(c -> c.isPci() && !c.isRootBus())) {
            addRootPort("libvirt's spare pcie-root-port", null);
            notes.add("libvirt adds a spare hot-pluggable pcie-root-port, as the domain names no PCI controller");
        }
    }

    private static PciNode.Endpoint endpoint(Auto auto, int slot, int function) {
        Device device = auto.device();
        return auto.hostDevice().isPresent()
                ? PciNode.Endpoint.passthrough(device.id(), slot, function, auto.hostDevice().get())
                : PciNode.Endpoint.emulated(device.id(), slot, function, device.bars());
    }

    /** A hot-pluggable root port libvirt adds, named {@code id}, for {@code forDevice} (none for the spare). */
    private BridgeDraft addRootPort(String id, String forDevice) {
        BridgeDraft port = new BridgeDraft(unique(id), BusKind.PCIE_PORT, true, OptionalLong.empty());
        if (forDevice != null) {
            addedRootPorts++;
            autoRootPorts.add(forDevice);
        }
        busOrder.add(port);
        int devfn = nextRootPortDevfn();
        place(root, port, devfn >> 3, devfn & 7);
        return port;
    }

    /**
     * libvirt packs the root ports it places into the functions of one root-bus slot, then takes the next slot
     * that is wholly free.
     */
    private int nextRootPortDevfn() {
        if (rootPortSlot >= 0) {
            for (int function = 0; function < FUNCTIONS; function++) {
                if (!root.usedDevfns.contains(rootPortSlot << 3 | function)) {
                    return rootPortSlot << 3 | function;
                }
            }
        }
        rootPortSlot = firstFreeSlot(root, 1);
        return rootPortSlot << 3;
    }

    private static int firstFreeSlot(Bus bus, int from) {
        for (int slot = from; slot < SLOTS; slot++) {
            if (slotIsFree(bus, slot)) {
                return slot;
            }
        }
        return SLOTS - 1;
    }

    private static boolean hasFreeSlot(Bus bus, int from) {
        for (int slot = from; slot < SLOTS; slot++) {
            if (slotIsFree(bus, slot)) {
                return true;
            }
        }
        return false;
    }

    private static boolean slotIsFree(Bus bus, int slot) {
        for (int function = 0; function < FUNCTIONS; function++) {
            if (bus.usedDevfns.contains(slot << 3 | function)) {
                return false;
            }
        }
        return true;
    }

    private void attachTo(int busIndex, int slot, int function, Object node) {
        Bus bus;
        if (busIndex == 0) {
            bus = root;
        } else {
            BridgeDraft bridge = bridgesByIndex.get(busIndex);
            if (bridge == null) {
                bridge = addRootPort(LIBVIRT_PORT + " for bus " + busIndex, "bus " + busIndex);
                bridgesByIndex.put(busIndex, bridge);
            }
            bus = bridge.bus;
        }
        place(bus, node, slot, function);
    }

    private static void place(Bus bus, Object node, int slot, int function) {
        bus.usedDevfns.add(slot << 3 | function);
        bus.children.add(new Placed(slot, function, node));
    }

    private List<PciNode> freeze(Bus bus) {
        List<PciNode> nodes = new ArrayList<>();
        for (Object child : bus.children) {
            Placed placed = (Placed) child;
            if (placed.node() instanceof BridgeDraft bridge) {
                nodes.add(new PciNode.Bridge(bridge.id, placed.slot(), placed.function(), bridge.hotplug,
                        bridge.pref64Reserve, freeze(bridge.bus)));
            } else {
                nodes.add((PciNode.Endpoint) placed.node());
            }
        }
        return nodes;
    }

    private List<String> notes() {
        return List.copyOf(notes);
    }

    private String unique(String id) {
        String candidate = id;
        for (int n = 2; !ids.add(candidate); n++) {
            candidate = id + " #" + n;
        }
        return candidate;
    }

    /** The bus index, slot and function of a guest PCI address. */
    private record PciAddressOf(int bus, int slot, int function) {
        static PciAddressOf of(GuestPciAddress address) {
            return new PciAddressOf(address.address().bus(), address.address().slot(), address.address().function());
        }

        /** An {@code <address type='pci'>} read as libvirt does (0x hexadecimal, else decimal). */
        static Optional<PciAddressOf> read(XmlElement address) {
            try {
                return Optional.of(new PciAddressOf(number(address.attributeValue("bus")),
                        number(address.attributeValue("slot")), number(address.attributeValue("function"))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        private static int number(Optional<String> value) {
            String text = value.orElse("0").strip();
            return text.startsWith("0x") || text.startsWith("0X") ? Integer.parseInt(text.substring(2), 16)
                    : Integer.parseInt(text);
        }
    }
}
