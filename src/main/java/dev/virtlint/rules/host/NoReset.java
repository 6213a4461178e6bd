package dev.virtlint.rules.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * A passed-through device nothing can reset between two runs of the guest. QEMU resets a VFIO device at every guest
 * reset: with the kernel's reset for the function (VFIO_DEVICE_RESET) or, failing that, with a reset of the whole bus
 * (VFIO_DEVICE_PCI_HOT_RESET), which it does only when it owns every device the bus reset hits (hw/vfio/pci.c,
 * vfio_pci_hot_reset). The kernel's own list ({@code reset_method}) leaves out that bus reset for a function that
 * shares its bus, so an empty list is only a problem when the bus is shared with devices the guest does not get, or is
 * a root bus. AMD's Vega and Navi 1x GPUs are the other case: the kernel lists resets that do not bring them back.
 */
@RuleInfo(id = "VL604", name = "no-reset", severity = Severity.WARNING, family = Family.HOST,
        summary = "A passed-through device cannot be reset, or is an AMD GPU with the reset bug and no vendor-reset:"
                + " it works at the first start and fails after the guest reboots")
public final class NoReset implements Rule {
    /** The method gnif/vendor-reset's reset is selected by in {@code reset_method} (Linux 5.15 and later). */
    private static final String DEVICE_SPECIFIC = "device_specific";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<PassedThrough> passedThrough = PassedThrough.of(context, this);
        if (passedThrough.isEmpty()) {
            return List.of();
        }
        List<Hostdev> hostdevs = passedThrough.get().hostdevs();
        HostFacts facts = passedThrough.get().facts();
        Set<PciAddress> passed = passedThrough.get().sources();
        List<Finding> findings = new ArrayList<>();
        for (Hostdev hostdev : hostdevs) {
            Optional<PciDevice> device = facts.pciDevice(hostdev.source().get());
            if (device.isEmpty() || device.get().isBridge()) {
                continue;
            }
            Optional<String> generation = device.get().vendor().flatMap(vendor -> device.get().device()
                    .flatMap(id -> AmdResetBugGpus.generation(vendor, id)));
            if (generation.isPresent()) {
                resetBug(context, hostdev, device.get(), generation.get(), facts).ifPresent(findings::add);
            } else if (device.get().resetMethods().isEmpty()) {
                context.couldNotCheck(this, "the reset methods of the host's PCI devices",
                        NotChecked.HOST_PCI_DEVICES + "/*/reset_method");
            } else if (device.get().resetMethods().get().isEmpty()) {
                noKernelReset(context, hostdev, device.get(), facts, passed).ifPresent(findings::add);
            }
        }
        return findings;
    }

    /** Silent when vendor-reset is loaded and selected, the way its README asks for on Linux 5.15 and later. */
    private Optional<Finding> resetBug(LintContext context, Hostdev hostdev, PciDevice device, String generation,
                                       HostFacts facts) {
        if (facts.vendorResetLoaded().isEmpty()) {
            context.couldNotCheck(this, "whether the vendor-reset module is loaded", "sys/module");
            return Optional.empty();
        }
        boolean loaded = facts.vendorResetLoaded().get();
        boolean selected = device.resetMethods().map(methods -> methods.contains(DEVICE_SPECIFIC)).orElse(true);
        if (loaded && selected) {
            return Optional.empty();
        }
        String bdf = device.address().bdf();
        String state = loaded ? "vendor-reset is loaded but not selected for it (reset_method: "
                + String.join(" ", device.resetMethods().orElseThrow()) + ")" : "the vendor-reset module is not loaded";
        String message = bdf + " is an AMD " + generation + " GPU (" + String.format("1002:%04x", device.device().get())
                + "), a generation that does not come back from the resets the kernel has (the AMD reset bug), and "
                + state + ": the guest gets a working GPU at its first start, but once the guest reboots or is started"
                + " again the GPU stays dark (no display; Windows reports Code 43) until the host reboots. Install"
                + " gnif/vendor-reset, load it at boot and select it: echo " + DEVICE_SPECIFIC
                + " > /sys/bus/pci/devices/" + bdf + "/reset_method.";
        return Optional.of(context.finding(this, hostdev.element(), message)
                .data("hostDevice", bdf)
                .data("resetBug", generation)
                .data("vendorResetLoaded", loaded)
                .build());
    }

    /**
     * The kernel cannot reset the function; QEMU's bus reset still can when the guest owns everything on the bus and
     * the bus has a bridge above it to reset it (a root bus, where a host bridge sits, has none).
     */
    private Optional<Finding> noKernelReset(LintContext context, Hostdev hostdev, PciDevice device, HostFacts facts,
                                            Set<PciAddress> passed) {
        PciAddress address = device.address();
        List<PciDevice> onBus = facts.pciDevices().orElseThrow().stream()
                .filter(other -> other.address().domain() == address.domain() && other.address().bus() == address.bus()
                        && !other.address().equals(address))
                .toList();
        boolean rootBus = onBus.stream().anyMatch(NoReset::isHostBridge);
        List<PciDevice> keptByHost = onBus.stream().filter(other -> !passed.contains(other.address())).toList();
        if (!rootBus && keptByHost.isEmpty()) {
            return Optional.empty();
        }
        String bdf = address.bdf();
        String why;
        if (rootBus) {
            why = "it sits on a root bus, which has no bridge to reset it, so QEMU reports 'vfio: Cannot reset device "
                    + bdf + ", no available reset mechanism.'";
        } else {
            Optional<Integer> otherGroup = keptByHost.stream().flatMap(other -> other.iommuGroup().stream())
                    .filter(group -> !device.iommuGroup().equals(Optional.of(group))).findFirst();
            why = "a reset of its bus would also reset " + String.join(", ",
                    keptByHost.stream().map(other -> other.address().bdf()).toList())
                    + ", which this guest does not get, so QEMU does not reset it" + otherGroup.map(group ->
                    " ('vfio: Cannot reset device " + bdf + ", depends on group " + group + " which is not owned.')")
                    .orElse("");
        }
        String message = "the kernel has no reset for " + bdf + " (its reset_method is empty) and " + why + ": the"
                + " device enters every later boot of the guest in the state the last one left it, which drivers of"
                + " GPUs and their audio functions often cannot recover from (the device is missing or fails after"
                + " the guest reboots)." + (rootBus ? "" : " Pass the other functions on the bus to the guest too.");
        return Optional.of(context.finding(this, hostdev.element(), message)
                .data("hostDevice", bdf)
                .data("rootBus", rootBus)
                .data("sharesBusWith", keptByHost.stream().map(other -> other.address().bdf()).toList())
                .build());
    }

    /** Class 0x0600: the host bridge of a root complex, which sits on the root bus it opens. */
    private static boolean isHostBridge(PciDevice device) {
        return device.classCode().map(code -> code >> 8 == 0x0600).orElse(false);
    }
}
