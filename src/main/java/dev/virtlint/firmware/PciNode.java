package dev.virtlint.firmware;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** A function on a guest PCI bus, as OVMF's PCI enumeration sees it: an endpoint or a bridge with a bus behind it. */
public sealed interface PciNode permits PciNode.Endpoint, PciNode.Bridge {

    /** Unique within one tree; findings and the map name the node by it. */
    String id();

    int slot();

    int function();

    /** Slot and function as one number, the order OVMF scans a bus in. */
    default int devfn() {
        return slot() << 3 | function();
    }

    /**
     * A PCI function with BARs.
     *
     * @param hostDevice for a passed-through device, its host address: its BARs come from the host, and until they
     *                   are known {@code bars} is empty
     * @param vgaClass   a VGA-compatible display controller (PCI class 0x0300: GeForce, Quadro, Radeon, Arc), which
     *                   OVMF never rejects to make room (edk2 PciBusDxe's IsRejectiveDevice); data-centre GPUs are
     *                   3D controllers (0x0302) and can be rejected
     */
    record Endpoint(String id, int slot, int function, List<Bar> bars, Optional<String> hostDevice, boolean vgaClass)
            implements PciNode {
        public Endpoint {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(hostDevice, "hostDevice");
            bars = List.copyOf(bars);
        }

        public static Endpoint emulated(String id, int slot, int function, List<Bar> bars) {
            return new Endpoint(id, slot, function, bars, Optional.empty(), false);
        }

        public static Endpoint emulatedVga(String id, int slot, int function, List<Bar> bars) {
            return new Endpoint(id, slot, function, bars, Optional.empty(), true);
        }

        public static Endpoint passthrough(String id, int slot, int function, String hostDevice) {
            return new Endpoint(id, slot, function, List.of(), Optional.of(hostDevice), false);
        }

        /** The same function with the BARs and class the host reports for it. */
        public Endpoint withHostFacts(List<Bar> newBars, boolean newVgaClass) {
            return new Endpoint(id, slot, function, newBars, hostDevice, newVgaClass);
        }
    }

    /**
     * A PCI-to-PCI bridge (a PCIe root port, a switch port, a PCIe-to-PCI bridge).
     *
     * @param hotplug       the port is hot-pluggable, so OVMF pads its windows for devices added later
     * @param pref64Reserve QEMU's {@code pref64-reserve} hint, which replaces OVMF's default 64-bit padding
     */
    record Bridge(String id, int slot, int function, boolean hotplug, OptionalLong pref64Reserve,
                  List<PciNode> children) implements PciNode {
        public Bridge {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(pref64Reserve, "pref64Reserve");
            children = List.copyOf(children);
        }

        public Bridge withChildren(List<PciNode> newChildren) {
            return new Bridge(id, slot, function, hotplug, pref64Reserve, newChildren);
        }
    }
}
