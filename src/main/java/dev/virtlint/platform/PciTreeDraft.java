package dev.virtlint.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import dev.virtlint.domain.Controller;
import dev.virtlint.domain.QemuDeviceOverride;
import dev.virtlint.domain.QemuProperty;
import dev.virtlint.firmware.PciNode;

/**
 * The guest's PCI bus tree while it is built, and at the end the {@link PciNode} tree OVMF scans: the root bus with
 * the chipset's own functions, the bridges with what kind of bus each offers, whether OVMF pads its windows for
 * hot-plug and the 64-bit reserve QEMU gives it, and which slots and functions of each bus are taken. It decides what
 * a bus is and what is free on it, so that {@link LibvirtPciPlacement} can say where each device goes in libvirt's
 * terms only; it keeps the bridges in the order they were added, which is the order libvirt searches buses in.
 */
final class PciTreeDraft {
    static final int FUNCTIONS = 8;
    private static final int SLOTS = 32;
    private static final int ICH9_SLOT = 0x1f;

    /** A bus while the tree is built: what sits on it, and which slot-and-function numbers are taken. */
    static final class Bus {
        private final List<Placed> children = new ArrayList<>();
        private final Set<Integer> usedDevfns = new HashSet<>();

        boolean isUsed(int slot, int function) {
            return usedDevfns.contains(slot << 3 | function);
        }

        /** The first slot at or after {@code from} with no function taken; the last slot when every one is. */
        int firstFreeSlot(int from) {
            for (int slot = from; slot < SLOTS; slot++) {
                if (slotIsFree(slot)) {
                    return slot;
                }
            }
            return SLOTS - 1;
        }

        /** A device or bridge sits at the slot and function (the chipset's reserved slot is used, but empty). */
        boolean hasNodeAt(int slot, int function) {
            return children.stream().anyMatch(placed -> placed.slot() == slot && placed.function() == function);
        }

        boolean hasFreeSlot(int from) {
            for (int slot = from; slot < SLOTS; slot++) {
                if (slotIsFree(slot)) {
                    return true;
                }
            }
            return false;
        }

        private boolean slotIsFree(int slot) {
            for (int function = 0; function < FUNCTIONS; function++) {
                if (usedDevfns.contains(slot << 3 | function)) {
                    return false;
                }
            }
            return true;
        }

        /** Puts {@code node}, a {@link PciNode.Endpoint} or a {@link BridgeDraft}, at the slot and function. */
        void place(Object node, int slot, int function) {
            usedDevfns.add(slot << 3 | function);
            children.add(new Placed(slot, function, node));
        }
    }

    /** What a bridge's secondary bus accepts when libvirt places a device or controller without an address. */
    enum BusKind {
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
    static final class BridgeDraft {
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

    private final Bus root = new Bus();
    private final Map<Integer, BridgeDraft> bridgesByIndex = new HashMap<>();
    /** Every bridge's bus in libvirt's search order: the domain's by index, then those libvirt adds, in turn. */
    private final List<BridgeDraft> busOrder = new ArrayList<>();
    /** Node ids, unique within the tree as findings and the map name nodes by them. */
    private final Set<String> ids = new HashSet<>();

    /** The host bridge takes slot 0, and the chipset its own slot: ICH9's 0x1f on q35, PIIX3's 1 on i440fx. */
    PciTreeDraft(MachineFamily family) {
        if (family == MachineFamily.Q35) {
            root.usedDevfns.add(0);
            for (int function = 0; function < FUNCTIONS; function++) {
                root.usedDevfns.add(ICH9_SLOT << 3 | function);
            }
        } else {
            root.usedDevfns.add(0);
            root.usedDevfns.add(1 << 3);
        }
    }

    Bus root() {
        return root;
    }

    /** The bus with libvirt's bus number {@code busIndex}: the root bus, or a bridge's; empty for an unknown one. */
    Optional<Bus> bus(int busIndex) {
        return busIndex == 0 ? Optional.of(root) : bridge(busIndex).map(bridge -> bridge.bus);
    }

    Optional<BridgeDraft> bridge(int busIndex) {
        return Optional.ofNullable(bridgesByIndex.get(busIndex));
    }

    /** Gives {@code bridge}'s bus the number {@code busIndex}, which devices' addresses name it by. */
    void number(int busIndex, BridgeDraft bridge) {
        bridgesByIndex.put(busIndex, bridge);
    }

    /**
     * The domain's PCI controller as a bridge, numbered by its index and last in the bus order; not yet on a bus.
     * {@code overrides} are the domain's honoured {@code <qemu:override>} devices, for its pref64-reserve.
     */
    BridgeDraft addDomainBridge(Controller controller, List<QemuDeviceOverride> overrides) {
        String model = controller.model().orElse("pci-bridge");
        String id = uniqueId(controller.alias().orElse("pci." + controller.index().get()) + " " + model);
        BridgeDraft bridge = new BridgeDraft(id, busKind(controller, model), padded(controller, model),
                pref64Reserve(controller, overrides));
        number(controller.index().get(), bridge);
        busOrder.add(bridge);
        return bridge;
    }

    /**
     * A bridge libvirt adds (a pcie-root-port or a pcie-to-pci-bridge), last in the bus order; not yet on a bus. OVMF
     * pads both for hot-plug: the root ports libvirt adds are hot-pluggable, and a pcie-to-pci-bridge has its standard
     * hot-plug controller.
     */
    BridgeDraft addLibvirtBridge(String id, BusKind kind) {
        BridgeDraft bridge = new BridgeDraft(uniqueId(id), kind, true, OptionalLong.empty());
        busOrder.add(bridge);
        return bridge;
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

    /** QEMU's pref64-reserve hint, set through {@code <qemu:override>} on the controller's alias. */
    private static OptionalLong pref64Reserve(Controller controller, List<QemuDeviceOverride> overrides) {
        String alias = controller.alias().orElse("pci." + controller.index().get());
        for (QemuDeviceOverride override : overrides) {
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

    /** The first root or downstream port, in libvirt's bus order, with nothing in its slot. */
    Optional<BridgeDraft> firstFreePort() {
        return busOrder.stream().filter(BridgeDraft::hasFreePort).findFirst();
    }

    /** The first bus of {@code kind}, in libvirt's bus order, with a wholly free slot at or after {@code from}. */
    Optional<BridgeDraft> firstBusWithSlot(BusKind kind, int from) {
        return busOrder.stream().filter(bridge -> bridge.kind == kind && bridge.bus.hasFreeSlot(from)).findFirst();
    }

    /** {@code id}, or with " #2", " #3"… when a node already has it. */
    String uniqueId(String id) {
        String candidate = id;
        for (int n = 2; !ids.add(candidate); n++) {
            candidate = id + " #" + n;
        }
        return candidate;
    }

    /** The tree as OVMF scans it: the root bus's nodes, each bridge with its bus behind it. */
    List<PciNode> freeze() {
        return freeze(root);
    }

    private static List<PciNode> freeze(Bus bus) {
        List<PciNode> nodes = new ArrayList<>();
        for (Placed placed : bus.children) {
            if (placed.node() instanceof BridgeDraft bridge) {
                nodes.add(new PciNode.Bridge(bridge.id, placed.slot(), placed.function(), bridge.hotplug,
                        bridge.pref64Reserve, freeze(bridge.bus)));
            } else {
                nodes.add((PciNode.Endpoint) placed.node());
            }
        }
        return nodes;
    }
}
