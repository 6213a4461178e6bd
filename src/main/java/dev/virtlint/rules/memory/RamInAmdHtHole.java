package dev.virtlint.rules.memory;

import java.util.ArrayList;
import java.util.List;

import dev.virtlint.platform.AddressLayout;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.Region;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL103", name = "ram-in-amd-ht-hole", severity = Severity.ERROR, family = Family.MEMORY,
        summary = "Guest RAM or the hotplug region lies in AMD's HyperTransport hole; VFIO cannot map it on an AMD host")
public final class RamInAmdHtHole implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        if (context.domain().pciHostdevs().isEmpty()) {
            return List.of();
        }
        if (platform.host().vendorId().isEmpty()) {
            context.couldNotCheck(this, "the host's CPU vendor (AMD hosts reserve 0xfd00000000-0xffffffffff)");
            return List.of();
        }
        if (platform.addressMap().isEmpty()) {
            MemoryAnchors.missingFact(platform).ifPresent(fact -> context.couldNotCheck(this, fact));
            return List.of();
        }
        if (!platform.host().vendorId().get().equals("AuthenticAMD")) {
            return List.of();
        }
        AddressMap map = platform.addressMap().get();
        List<String> inHole = new ArrayList<>();
        boolean ramInHole = false;
        for (Region region : map.regions()) {
            boolean memory = region.name().equals(Region.RAM_ABOVE_4G) || region.name().equals(Region.DEVICE_MEMORY);
            if (memory && region.overlaps(AddressLayout.AMD_HT_START, AddressLayout.AMD_HT_END)) {
                inHole.add(region.name() + " " + Hex.of(region.start()) + "-" + Hex.of(region.endInclusive()));
                ramInHole |= region.name().equals(Region.RAM_ABOVE_4G);
            }
        }
        if (inHole.isEmpty()) {
            return List.of();
        }
        boolean enforces = platform.layoutInput().get().flags().enforceAmd1TbHole();
        String why = !enforces
                ? platform.machine().get().concreteName() + " predates QEMU 7.1's relocation past the hole"
                : "the vCPU is not AMD (" + platform.vendor().source() + "), so QEMU does not relocate";
        // Boot RAM in the hole stops the start; an empty hotplug region there only fails when a DIMM plugged far
        // enough into it is mapped, which QEMU treats as fatal for guest RAM (vfio_listener_region_add).
        String consequence = ramInHole
                ? "VFIO cannot map guest memory there, so the domain fails to start with the GPU attached"
                        + " (VFIO_MAP_DMA fails with -22, Invalid argument)"
                : "the domain starts, but a DIMM hot-plugged far enough into the region to reach the hole cannot be"
                        + " mapped by VFIO (VFIO_MAP_DMA fails with -22, Invalid argument), and QEMU stops the guest";
        String message = "on this AMD host, " + String.join(" and ", inHole) + " overlaps the HyperTransport hole"
                + " 0xfd00000000-0xffffffffff, which the host IOMMU reserves: " + why + ". " + consequence
                + ". Use machine type pc-q35-7.1 or newer (RHEL: pc-q35-rhel9.2.0) with an AMD vCPU, or less memory";
        return List.of(context.finding(this, MemoryAnchors.anchor(context.domain()), message)
                .severity(ramInHole ? Severity.ERROR : Severity.WARNING)
                .data("regions", String.join(", ", inHole))
                .data("machineEnforcesHole", enforces)
                .data("bootRamInHole", ramInHole)
                .build());
    }
}
