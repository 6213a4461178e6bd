package dev.virtlint.rules.host;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.DriverBinding;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostFactsReport;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * A passed-through device whose IOMMU group holds an endpoint the guest does not get and a host driver owns. VFIO
 * hands a guest whole groups only: QEMU asks the kernel whether the group is viable (VFIO_GROUP_GET_STATUS) and
 * stops with "group N is not viable" (hw/vfio) when a device in it is still used by the host. Bridges are fine
 * (pcieport manages its DMA itself), so are unbound functions and functions bound to vfio-pci or pci-stub.
 */
@RuleInfo(id = "VL602", name = "iommu-group-not-viable", severity = Severity.ERROR, family = Family.HOST,
        summary = "Another device in a passed-through device's IOMMU group stays with a host driver: VFIO refuses"
                + " the group and QEMU does not start")
public final class IommuGroupNotViable implements Rule {
    /** Drivers that leave the group to VFIO: its own, and the stub drivers that never use DMA. */
    private static final Set<String> VFIO_FRIENDLY_DRIVERS = Set.of(DriverBinding.VFIO_PCI, "pci-stub");
    private static final String MISSING_FACT = "the drivers bound to the host's PCI devices";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<PassedThrough> passedThrough = PassedThrough.of(context, this);
        if (passedThrough.isEmpty()) {
            return List.of();
        }
        List<Hostdev> hostdevs = passedThrough.get().hostdevs();
        HostFacts facts = passedThrough.get().facts();
        Set<PciAddress> passed = passedThrough.get().sources();
        Set<Integer> groupsReported = new HashSet<>();
        boolean unknownBinding = false;
        List<Finding> findings = new ArrayList<>();
        for (Hostdev hostdev : hostdevs) {
            PciAddress source = hostdev.source().get();
            Optional<Integer> group = facts.pciDevice(source).flatMap(PciDevice::iommuGroup);
            if (group.isEmpty() || groupsReported.contains(group.get())) {
                continue;
            }
            List<PciDevice> held = new ArrayList<>();
            for (PciAddress peer : facts.iommuGroupPeers(source).orElse(List.of())) {
                if (passed.contains(peer)) {
                    continue;
                }
                Optional<PciDevice> device = facts.pciDevice(peer);
                if (device.map(PciDevice::isBridge).orElse(false)) {
                    continue;
                }
                Optional<DriverBinding> binding = device.flatMap(PciDevice::driverBinding);
                if (binding.isEmpty()) {
                    unknownBinding = true;
                } else if (binding.get().driver().filter(name -> !VFIO_FRIENDLY_DRIVERS.contains(name)).isPresent()) {
                    held.add(device.get());
                }
            }
            if (!held.isEmpty()) {
                groupsReported.add(group.get());
                findings.add(finding(context, hostdev, source, group.get(), held));
            }
        }
        if (findings.isEmpty() && unknownBinding) {
            context.couldNotCheck(this, MISSING_FACT, NotChecked.HOST_PCI_DEVICES + "/*/driver_override");
        }
        return findings;
    }

    private Finding finding(LintContext context, Hostdev hostdev, PciAddress source, int group, List<PciDevice> held) {
        String bdf = source.bdf();
        List<String> names = held.stream().map(IommuGroupNotViable::describe).toList();
        boolean onlyOwnFunctions = held.stream().allMatch(device -> device.address().sameSlot(source));
        String message = "IOMMU group " + group + " of " + bdf + " also holds " + String.join(", ", names)
                + ", which this guest does not get and a host driver keeps, so VFIO refuses the group and QEMU does"
                + " not start: 'vfio " + bdf + ": group " + group + " is not viable' ('Please ensure all devices"
                + " within the iommu_group are bound to their vfio bus driver.'). " + wayOut(onlyOwnFunctions);
        return context.finding(this, hostdev.element(), message)
                .data("hostDevice", bdf)
                .data("iommuGroup", group)
                .data("heldByHost", held.stream().map(device -> device.address().bdf()).toList())
                .build();
    }

    private static String describe(PciDevice device) {
        String kind = device.classCode().flatMap(HostFactsReport::className).map(name -> name + ", ").orElse("");
        return device.address().bdf() + " (" + kind + device.driverBinding().orElseThrow().describe() + ")";
    }

    /**
     * Functions of the same card go along; anything else means the platform put unrelated devices in one group
     * (no ACS between them), where the override is the only other way out and has a price.
     */
    private static String wayOut(boolean onlyOwnFunctions) {
        if (onlyOwnFunctions) {
            return "They are functions of the same card: pass them to the guest too (libvirt detaches managed ones"
                    + " for you), or bind them to vfio-pci.";
        }
        return "Pass them to this guest too, or unbind them from their host drivers (bind them to vfio-pci) if the"
                + " host can do without them; otherwise move the card to a slot with a group of its own. The ACS"
                + " override (pcie_acs_override=downstream,multifunction, a kernel patch some distributions carry, not"
                + " in mainline Linux) splits the group only on paper: the switch still lets these devices reach each"
                + " other by peer-to-peer DMA that the IOMMU never sees, so the guest can read and corrupt what the"
                + " host's devices do.";
    }
}
