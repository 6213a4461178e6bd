package dev.virtlint.platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Controller;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.GuestPciAddress;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.QemuDeviceOverride;
import dev.virtlint.firmware.PciNode;
import dev.virtlint.platform.EmulatedDevices.AutoPlacement;
import dev.virtlint.platform.EmulatedDevices.Device;
import dev.virtlint.platform.PciTreeDraft.BridgeDraft;
import dev.virtlint.platform.PciTreeDraft.Bus;
import dev.virtlint.platform.PciTreeDraft.BusKind;
import dev.virtlint.xml.XmlElement;

/**
 * Where the domain's devices sit on the guest's PCI buses, decided as libvirt decides it: PCI controllers,
 * passed-through devices and emulated devices at the guest addresses the domain gives them, and the others where
 * libvirt 11.3 puts them when it defines a q35 domain (checked with {@code virsh domxml-to-native}): a PCIe device goes
 * into the first empty root or switch downstream port, in controller-index order, and only when there is none into a
 * new hot-pluggable pcie-root-port; a switch's upstream port goes into the first empty port and its downstream ports
 * into its slots; conventional PCI devices go behind a pcie-to-pci-bridge (libvirt adds one, with a root port, when
 * the domain has none); video and ich9 sound sit on the root bus; a qemu-xhci USB controller and a virtio memballoon
 * are added unless the domain says otherwise, and so is one spare root port when the domain names no PCI controller
 * of its own. OVMF sees the result, not the domain: every port libvirt adds is one more bridge whose windows OVMF pads
 * for hot-plug. The notes say in words what libvirt added and where it put devices, for the map to print.
 */
final class LibvirtPciPlacement {
    private static final String LIBVIRT_PORT = "libvirt's pcie-root-port";

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
    private final PciTreeDraft tree;
    private final EmulatedDevices emulatedDevices;
    private final List<String> autoRootPorts = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int rootPortSlot = -1;
    private int addedRootPorts;
    private boolean memballoonMissing;

    private LibvirtPciPlacement(DomainDef domain, MachineFamily family) {
        this.domain = domain;
        this.q35 = family == MachineFamily.Q35;
        this.tree = new PciTreeDraft(family);
        this.emulatedDevices = new EmulatedDevices(family, tree::uniqueId);
    }

    /** The domain's devices, each where the domain or else libvirt puts it. */
    static LibvirtPciPlacement of(DomainDef domain, MachineFamily family) {
        LibvirtPciPlacement placement = new LibvirtPciPlacement(domain, family);
        placement.addControllers();
        List<Auto> autos = new ArrayList<>();
        placement.addEmulatedDevices(autos);
        placement.addHostdevs(autos);
        placement.addDefaultMemballoon(autos);
        placement.placeAutomatically(autos);
        placement.addChipsetFunctions();
        return placement;
    }

    /** The tree as OVMF scans it: the root bus's nodes, each bridge with its bus behind it. */
    List<PciNode> rootBus() {
        return tree.freeze();
    }

    /** What libvirt added and where it put the devices without an address, in words. */
    List<String> notes() {
        return List.copyOf(notes);
    }

    private void addControllers() {
        List<Controller> bridges = domain.controllers().stream()
                .filter(c -> c.isPci() && !c.isRootBus() && c.index().isPresent())
                .sorted(Comparator.comparingInt(c -> c.index().get()))
                .toList();
        List<QemuDeviceOverride> overrides = domain.honouredDeviceOverrides();
        for (Controller controller : bridges) {
            tree.addDomainBridge(controller, overrides);
        }
        List<Controller> unaddressed = new ArrayList<>();
        for (Controller controller : bridges) {
            BridgeDraft bridge = tree.bridge(controller.index().get()).orElseThrow();
            if (controller.address().isPresent()) {
                PciAddressOf at = PciAddressOf.of(controller.address().get());
                attachTo(at.bus(), at.slot(), at.function(), bridge);
            } else if (controller.isRootPort()) {
                int devfn = nextRootPortDevfn();
                tree.root().place(bridge, devfn >> 3, devfn & 7);
            } else {
                unaddressed.add(controller);
            }
        }
        // Then the other controllers without an address, each into the first bus that takes it (virsh
        // domxml-to-native: a switch's upstream port into the first free root port, its downstream ports into the
        // upstream port's slots).
        for (Controller controller : unaddressed) {
            BridgeDraft bridge = tree.bridge(controller.index().get()).orElseThrow();
            String model = controller.model().orElse("pci-bridge");
            if (model.equals("pcie-switch-upstream-port") || model.equals("pcie-to-pci-bridge")) {
                BridgeDraft port = tree.firstFreePort().orElseGet(() -> addRootPort(LIBVIRT_PORT + " for " + bridge.id,
                        bridge.id));
                port.bus.place(bridge, 0, 0);
            } else if (model.equals("pcie-switch-downstream-port")
                    && tree.firstBusWithSlot(BusKind.SWITCH, 0).isPresent()) {
                BridgeDraft upstream = tree.firstBusWithSlot(BusKind.SWITCH, 0).get();
                int slot = upstream.bus.firstFreeSlot(0);
                upstream.bus.place(bridge, slot, 0);
            } else if (model.equals("pci-bridge") && tree.firstBusWithSlot(BusKind.CONVENTIONAL, 1).isPresent()) {
                BridgeDraft parent = tree.firstBusWithSlot(BusKind.CONVENTIONAL, 1).get();
                int slot = parent.bus.firstFreeSlot(1);
                parent.bus.place(bridge, slot, 0);
            } else {
                int slot = tree.root().firstFreeSlot(1);
                tree.root().place(bridge, slot, 0);
            }
        }
    }

    private void addHostdevs(List<Auto> autos) {
        for (Hostdev hostdev : domain.pciHostdevs()) {
            if (hostdev.source().isEmpty()) {
                continue;
            }
            String bdf = hostdev.source().get().bdf();
            String id = tree.uniqueId("hostdev " + bdf);
            if (hostdev.guestAddress().isPresent()) {
                PciAddressOf at = PciAddressOf.of(hostdev.guestAddress().get());
                attachTo(at.bus(), at.slot(), at.function(),
                        PciNode.Endpoint.passthrough(id, at.slot(), at.function(), bdf));
            } else {
                autos.add(new Auto(new Device(id, List.of(), AutoPlacement.ROOT_PORT, -1, Optional.empty()),
                        Optional.of(bdf), "hostdev"));
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
                attachTo(at.bus(), at.slot(), at.function(), PciNode.Endpoint.emulated(device.get().id(), at.slot(),
                        at.function(), device.get().bars(behindPciePort(at.bus()))));
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
                Bus root = tree.root();
                int slot = device.preferredRootSlot() >= 0 && !root.isUsed(device.preferredRootSlot(), 0)
                        ? device.preferredRootSlot() : root.firstFreeSlot(1);
                root.place(endpoint(auto, slot, 0, false), slot, 0);
            }
        }
        if (!q35) {
            return;
        }
        // libvirt adds the controllers conventional PCI devices need before it places any device: a root port and a
        // pcie-to-pci-bridge, which then goes into the first free port, the domain's own before the one just added.
        List<String> conventional = autos.stream().filter(auto -> auto.device().placement() == AutoPlacement.PCI_BRIDGE)
                .map(auto -> auto.device().id()).toList();
        if (!conventional.isEmpty() && tree.firstBusWithSlot(BusKind.CONVENTIONAL, 1).isEmpty()) {
            Optional<BridgeDraft> domainPort = tree.firstFreePort();
            BridgeDraft added = addRootPort(domainPort.isPresent() ? "libvirt's extra pcie-root-port"
                    : LIBVIRT_PORT + " for pcie-to-pci-bridge", null);
            BridgeDraft pciBridge = tree.addLibvirtBridge("pcie-to-pci-bridge", BusKind.CONVENTIONAL);
            BridgeDraft port = domainPort.orElse(added);
            port.bus.place(pciBridge, 0, 0);
            addedRootPorts++;
            notes.add("libvirt adds a pcie-to-pci-bridge for " + String.join(", ", conventional) + " and a root port,"
                    + " and puts the bridge into " + (domainPort.isPresent() ? port.id + ", the first free port,"
                    + " which leaves " + added.id + " for later devices" : added.id));
        }
        List<String> intoPorts = new ArrayList<>();
        for (Auto auto : autos) {
            Device device = auto.device();
            if (device.placement() == AutoPlacement.ROOT_PORT) {
                Optional<BridgeDraft> free = tree.firstFreePort();
                free.ifPresent(port -> intoPorts.add(device.id() + " into " + port.id));
                BridgeDraft port = free.orElseGet(() -> addRootPort(LIBVIRT_PORT + " for " + device.id(), device.id()));
                port.bus.place(endpoint(auto, 0, 0, true), 0, 0);
            } else if (device.placement() == AutoPlacement.PCI_BRIDGE) {
                BridgeDraft pciBridge = tree.firstBusWithSlot(BusKind.CONVENTIONAL, 1).orElseThrow();
                int slot = pciBridge.bus.firstFreeSlot(1);
                pciBridge.bus.place(endpoint(auto, slot, 0, false), slot, 0);
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

    /** {@code behindPciePort}: the bus is a root or downstream port's, where QEMU makes virtio devices modern-only. */
    private static PciNode.Endpoint endpoint(Auto auto, int slot, int function, boolean behindPciePort) {
        Device device = auto.device();
        return auto.hostDevice().isPresent()
                ? PciNode.Endpoint.passthrough(device.id(), slot, function, auto.hostDevice().get())
                : PciNode.Endpoint.emulated(device.id(), slot, function, device.bars(behindPciePort));
    }

    /**
     * Whether the bus with libvirt's number {@code busIndex} is a PCIe port's: not the root bus, not a PCI bridge's
     * (a bus no controller has gets a root port libvirt adds).
     */
    private boolean behindPciePort(int busIndex) {
        if (busIndex == 0) {
            return false;
        }
        return tree.bridge(busIndex).map(bridge -> bridge.kind == BusKind.PCIE_PORT || bridge.kind == BusKind.SWITCH)
                .orElse(true);
    }

    /** The chipset's functions QEMU always builds, where the domain put nothing else. */
    private void addChipsetFunctions() {
        for (PciNode.Endpoint function : emulatedDevices.chipsetFunctions()) {
            if (!tree.root().hasNodeAt(function.slot(), function.function())) {
                tree.root().place(function, function.slot(), function.function());
            }
        }
    }

    /** A hot-pluggable root port libvirt adds, named {@code id}, for {@code forDevice} (none for the spare). */
    private BridgeDraft addRootPort(String id, String forDevice) {
        BridgeDraft port = tree.addLibvirtBridge(id, BusKind.PCIE_PORT);
        if (forDevice != null) {
            addedRootPorts++;
            autoRootPorts.add(forDevice);
        }
        int devfn = nextRootPortDevfn();
        tree.root().place(port, devfn >> 3, devfn & 7);
        return port;
    }

    /**
     * libvirt packs the root ports it places into the functions of one root-bus slot, then takes the next slot
     * that is wholly free.
     */
    private int nextRootPortDevfn() {
        Bus root = tree.root();
        if (rootPortSlot >= 0) {
            for (int function = 0; function < PciTreeDraft.FUNCTIONS; function++) {
                if (!root.isUsed(rootPortSlot, function)) {
                    return rootPortSlot << 3 | function;
                }
            }
        }
        rootPortSlot = root.firstFreeSlot(1);
        return rootPortSlot << 3;
    }

    /** Puts {@code node} at a guest address; a bus number no controller has gets a root port libvirt adds for it. */
    private void attachTo(int busIndex, int slot, int function, Object node) {
        Bus bus = tree.bus(busIndex).orElseGet(() -> {
            BridgeDraft port = addRootPort(LIBVIRT_PORT + " for bus " + busIndex, "bus " + busIndex);
            tree.number(busIndex, port);
            return port.bus;
        });
        bus.place(node, slot, function);
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
