package dev.virtlint.platform;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.Controller;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.firmware.PciNode;

/**
 * The guest's PCI tree as OVMF scans it, built from the domain: PCI controllers, passed-through devices and emulated
 * devices with 64-bit BARs, at their guest addresses or where libvirt puts them. It is the one entry to the tree, and
 * decides whether virt-lint can model the domain's tree at all: where it cannot, the firmware prediction says why
 * rather than size OVMF's aperture for a tree that is not the guest's. What each emulated device is lives in
 * {@link EmulatedDevices}, where libvirt places devices in {@link LibvirtPciPlacement}, and the bus and bridge tree in
 * {@link PciTreeDraft}.
 */
final class GuestPciTopology {

    /** The root bus's nodes, and what libvirt added and where it put devices, in words. */
    record Topology(List<PciNode> rootBus, List<String> notes) {
    }

    private GuestPciTopology() {
    }

    static Resolved<Topology> build(DomainDef domain, MachineFamily family) {
        Optional<String> unsupported = unsupported(domain);
        if (unsupported.isPresent()) {
            return Resolved.unknown(unsupported.get());
        }
        LibvirtPciPlacement placement = LibvirtPciPlacement.of(domain, family);
        return Resolved.of(new Topology(placement.rootBus(), placement.notes()), "the domain's devices");
    }

    private static Optional<String> unsupported(DomainDef domain) {
        for (Controller controller : domain.controllers()) {
            if (controller.isPci() && controller.model().map(m -> m.endsWith("expander-bus")).orElse(false)) {
                return Optional.of("a " + controller.model().get() + " adds a second PCI host bridge with its own"
                        + " share of the window, which virt-lint does not model");
            }
        }
        Set<Integer> indexes = new HashSet<>();
        for (Controller controller : domain.controllers()) {
            if (controller.isPci() && controller.index().isPresent() && !indexes.add(controller.index().get())) {
                // Two buses of one number would make a bridge its own child.
                return Optional.of("libvirt refuses the domain: \"Multiple 'pci' controllers with index '"
                        + controller.index().get() + "'\"");
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
}
