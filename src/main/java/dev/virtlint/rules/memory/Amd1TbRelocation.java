package dev.virtlint.rules.memory;

import java.util.List;
import java.util.OptionalLong;

import dev.virtlint.domain.MemorySize;
import dev.virtlint.platform.AddressLayout;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.Platform;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL102", name = "amd-1tb-relocation", severity = Severity.WARNING, family = Family.MEMORY,
        summary = "An AMD vCPU's layout crosses the HyperTransport hole, so QEMU moves all RAM above 4 GiB to 1 TiB")
public final class Amd1TbRelocation implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        if (platform.addressMap().isEmpty()) {
            MemoryAnchors.missingFact(platform).ifPresent(fact -> context.couldNotCheck(this, fact));
            return List.of();
        }
        if (!platform.addressMap().get().relocatedAbove1TiB()) {
            return List.of();
        }
        AddressMap map = platform.addressMap().get();
        OptionalLong largest = platform.layoutInput().get().maxMemBytes() != 0
                ? AddressLayout.largestMaxMemoryBelowAmdHtHole(platform.layoutInput().get()) : OptionalLong.empty();
        String message = "with an AMD vCPU (" + platform.vendor().source() + ") on "
                + platform.machine().get().concreteName() + ", the layout would reach the HyperTransport hole at"
                + " 0xfd00000000, so QEMU moves all RAM above 4 GiB (and the hotplug region and 64-bit PCI hole after it)"
                + " to 1 TiB: the highest address becomes " + Hex.of(map.maxUsedGpa()) + " (" + map.requiredPhysBits()
                + " phys-bits needed). Windows 11 and Server 2025 guests with NVIDIA GPUs or vGPUs have reported"
                + " Code 43 with RAM above 1 TiB"
                + (largest.isPresent() ? "; a <maxMemory> of at most " + MemorySize.format(largest.getAsLong())
                        + " keeps the layout below the hole" : "");
        // The relocation is QEMU doing the right thing; what is reported to break is Windows 11 / Server 2025 with
        // an NVIDIA GPU above 1 TiB (Red Hat RHEL-98247). A start failure from the extra bits is VL101's.
        boolean windowsWithGpu = context.domain().windowsEvidence().isPresent()
                && !context.domain().pciHostdevs().isEmpty();
        FindingBuilder finding = FindingBuilder.at(meta(), context.source(), MemoryAnchors.anchor(context.domain()),
                        message)
                .severity(windowsWithGpu ? Severity.WARNING : Severity.INFO)
                .data("above4gStart", Hex.of(map.above4gStart()))
                .data("maxUsedGpa", Hex.of(map.maxUsedGpa()));
        if (largest.isPresent()) {
            finding.data("largestMaxMemoryBytes", largest.getAsLong());
            MemoryFixes.lowerMaxMemory(context.domain(), largest.getAsLong(), "to keep RAM below the HyperTransport"
                    + " hole").ifPresent(finding::fix);
        }
        return List.of(finding.build());
    }
}
