package dev.virtlint.rules.memory;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import dev.virtlint.domain.MemorySize;
import dev.virtlint.platform.AddressLayout;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.LayoutInput;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.StartError;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL101", name = "phys-bits-too-low", severity = Severity.ERROR, family = Family.MEMORY,
        summary = "The guest's highest address needs more physical address bits than the vCPU has; QEMU refuses to start")
public final class PhysBitsTooLow implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        if (platform.addressMap().isEmpty() || platform.layoutInput().isEmpty()) {
            MemoryAnchors.missingFact(platform).ifPresent(fact -> context.couldNotCheck(this, fact));
            return List.of();
        }
        AddressMap map = platform.addressMap().get();
        LayoutInput input = platform.layoutInput().get();
        if (map.requiredPhysBits() <= map.physBits() || map.outcome() == AddressMap.Outcome.UNDEFINED) {
            return List.of();
        }
        Optional<StartError> error = map.error(StartError.Kind.PHYS_BITS_TOO_LOW);
        String qemu = "QEMU " + platform.qemu().version();
        String consequence = map.physBitsCheckPerformed() && error.isPresent()
                ? qemu + " will refuse to start: "
                : qemu + " has no start-up check for this (7.1 added it), so the guest starts with memory or PCI"
                        + " space it cannot address: ";
        StringBuilder message = new StringBuilder(consequence)
                .append("the highest guest address is ").append(Hex.of(map.maxUsedGpa()))
                .append(" (needs ").append(map.requiredPhysBits()).append(" physical address bits) but the vCPU has ")
                .append(map.physBits()).append(" (").append(platform.physBits().source()).append(")");
        error.filter(e -> map.physBitsCheckPerformed()).ifPresent(e -> message.append(" — QEMU says '")
                .append(e.message()).append("'"));
        OptionalInt smallest = AddressLayout.smallestPhysBits(input);
        OptionalLong largestMaxMemory = input.maxMemBytes() != 0
                ? AddressLayout.largestMaxMemoryWithinPhysBits(input) : OptionalLong.empty();
        message.append(". It starts with ");
        if (smallest.isPresent()) {
            message.append("at least ").append(smallest.getAsInt()).append(" phys-bits");
        }
        if (largestMaxMemory.isPresent()) {
            message.append(smallest.isPresent() ? ", or with " : "").append("<maxMemory> of at most ")
                    .append(MemorySize.format(largestMaxMemory.getAsLong()));
        }
        message.append('.');

        FindingBuilder finding = FindingBuilder.at(meta(), context.source(), MemoryAnchors.anchor(context.domain()),
                        message.toString())
                .data("maxUsedGpa", Hex.of(map.maxUsedGpa()))
                .data("requiredPhysBits", map.requiredPhysBits())
                .data("physBits", map.physBits())
                .data("physBitsSource", platform.physBits().source());
        error.ifPresent(e -> finding.data("qemuError", e.message()));
        if (largestMaxMemory.isPresent()) {
            finding.data("largestMaxMemoryBytes", largestMaxMemory.getAsLong());
        }
        Optional<Fix> fix = smallest.isPresent()
                ? MemoryFixes.setPhysBits(context.domain(), platform, smallest.getAsInt(),
                        "so the " + Hex.of(map.maxUsedGpa()) + " layout is addressable")
                : Optional.empty();
        if (fix.isEmpty() && largestMaxMemory.isPresent()) {
            fix = MemoryFixes.lowerMaxMemory(context.domain(), largestMaxMemory.getAsLong(),
                    "so the layout fits " + map.physBits() + " phys-bits");
        }
        fix.ifPresent(finding::fix);
        return List.of(finding.build());
    }
}
