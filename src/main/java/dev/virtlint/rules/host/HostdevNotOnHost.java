package dev.virtlint.rules.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * A passed-through PCI device the host does not have. libvirt defines such a domain without a word and refuses to
 * start it: preparing the hostdev opens the device's sysfs {@code config} file (virPCIDeviceNew, src/util/virpci.c).
 */
@RuleInfo(id = "VL601", name = "hostdev-not-on-host", severity = Severity.ERROR, family = Family.HOST,
        summary = "A passed-through PCI device does not exist on the host: libvirt refuses to start the guest")
public final class HostdevNotOnHost implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Optional<PassedThrough> passedThrough = PassedThrough.of(context, this);
        if (passedThrough.isEmpty()) {
            return List.of();
        }
        List<PciDevice> devices = passedThrough.get().facts().pciDevices().orElseThrow();
        // A card moved to another slot, or a definition written for another host: where the host's GPUs are
        // tells which.
        List<String> displays = devices.stream().filter(PciDevice::isDisplayController)
                .map(device -> device.address().bdf()).toList();
        List<Finding> findings = new ArrayList<>();
        for (Hostdev hostdev : passedThrough.get().hostdevs()) {
            PciAddress source = hostdev.source().get();
            if (passedThrough.get().facts().pciDevice(source).isPresent()) {
                continue;
            }
            String bdf = source.bdf();
            findings.add(context.finding(this, hostdev.element(), "the host has no PCI device " + bdf
                    + ", so libvirt refuses to start the guest: 'Device " + bdf + " not found: could not access"
                    + " /sys/bus/pci/devices/" + bdf + "/config'. " + whereDisplaysAre(displays))
                    .data("hostDevice", bdf)
                    .data("hostDisplayControllers", displays)
                    .build());
        }
        return findings;
    }

    private static String whereDisplaysAre(List<String> displays) {
        if (displays.isEmpty()) {
            return "The host has no display controller at all: the definition may be meant for another host";
        }
        return "The host's display controller" + (displays.size() > 1 ? "s are at " : " is at ")
                + String.join(", ", displays) + ": the card may have moved, or the definition is meant for another host";
    }
}
