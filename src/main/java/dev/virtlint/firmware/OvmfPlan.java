package dev.virtlint.firmware;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What OVMF will do with one guest: its 64-bit window, and the guest's PCI tree in which it places BARs. The BARs of
 * passed-through devices come from the host; {@link #withHostBars} fills them in before {@link #place()}.
 *
 * @param input    what OVMF reads
 * @param aperture the window OVMF places, from {@code input}
 * @param rootBus  the functions on the root bus, bridges with their subtrees
 * @param notes    how the tree was completed where the domain leaves it to libvirt (devices and root ports libvirt
 *                 adds when it defines the domain), in words a finding can quote
 */
public record OvmfPlan(OvmfInput input, Aperture aperture, List<PciNode> rootBus, List<String> notes) {

    public OvmfPlan {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(aperture, "aperture");
        rootBus = List.copyOf(rootBus);
        notes = List.copyOf(notes);
    }

    public static OvmfPlan of(OvmfInput input, List<PciNode> rootBus, List<String> notes) {
        return new OvmfPlan(input, OvmfModel.aperture(input), rootBus, notes);
    }

    /** The same guest with other firmware inputs (another knob value, other phys-bits). */
    public OvmfPlan withInput(OvmfInput newInput) {
        return of(newInput, rootBus, notes);
    }

    public Placement place() {
        return BarPlacement.place(aperture, input.pciIo(), input.release(), rootBus);
    }

    /** Every passed-through endpoint, in tree order. */
    public List<PciNode.Endpoint> hostEndpoints() {
        List<PciNode.Endpoint> found = new ArrayList<>();
        collectHostEndpoints(rootBus, found);
        return found;
    }

    /**
     * Fills in the BARs of passed-through devices, by host address, and which of them are VGA controllers; devices
     * missing from the map keep none.
     */
    public OvmfPlan withHostBars(Map<String, List<Bar>> barsByHostDevice, Set<String> vgaHostDevices) {
        return new OvmfPlan(input, aperture, withBars(rootBus, barsByHostDevice, vgaHostDevices), notes);
    }

    private static List<PciNode> withBars(List<PciNode> nodes, Map<String, List<Bar>> barsByHostDevice,
                                          Set<String> vgaHostDevices) {
        List<PciNode> result = new ArrayList<>();
        for (PciNode node : nodes) {
            if (node instanceof PciNode.Endpoint endpoint && endpoint.hostDevice().isPresent()) {
                String host = endpoint.hostDevice().get();
                result.add(endpoint.withHostFacts(barsByHostDevice.getOrDefault(host, List.of()),
                        vgaHostDevices.contains(host)));
            } else if (node instanceof PciNode.Bridge bridge) {
                result.add(bridge.withChildren(withBars(bridge.children(), barsByHostDevice, vgaHostDevices)));
            } else {
                result.add(node);
            }
        }
        return result;
    }

    private static void collectHostEndpoints(List<PciNode> nodes, List<PciNode.Endpoint> found) {
        for (PciNode node : nodes) {
            if (node instanceof PciNode.Endpoint endpoint && endpoint.hostDevice().isPresent()) {
                found.add(endpoint);
            } else if (node instanceof PciNode.Bridge bridge) {
                collectHostEndpoints(bridge.children(), found);
            }
        }
    }
}
