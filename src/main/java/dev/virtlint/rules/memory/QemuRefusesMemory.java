package dev.virtlint.rules.memory;

import java.util.ArrayList;
import java.util.List;

import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.StartError;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * Every reason QEMU will not start with the memory configuration other than too few phys-bits (VL101
 * reports that with its own advice): slots without maxmem, maxmem below RAM, too many slots, an
 * unaligned maxmem, phys-bits outside 32..52, a layout past 2^64.
 */
@RuleInfo(id = "VL100", name = "qemu-refuses-memory-layout", severity = Severity.ERROR, family = Family.MEMORY,
        summary = "QEMU refuses to start with this memory configuration (slots, maxmem, phys-bits range, overflow)")
public final class QemuRefusesMemory implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        if (platform.addressMap().isEmpty()) {
            return List.of();
        }
        AddressMap map = platform.addressMap().get();
        List<Finding> findings = new ArrayList<>();
        boolean first = true;
        for (StartError error : map.errors()) {
            if (error.kind() == StartError.Kind.PHYS_BITS_TOO_LOW) {
                first = false;
                continue;
            }
            String message = error.kind() == StartError.Kind.MAXMEM_BELOW_RAM
                    ? "libvirt refuses the definition: 'maximum memory size must be equal or greater than the actual"
                            + " memory size' (and QEMU itself would say '" + error.message() + "')"
                    : error.kind().printedByQemu()
                    ? (first ? "QEMU " + platform.qemu().version() + " will refuse to start: '" : "QEMU also reports '")
                            + error.message() + "'" + explanation(error.kind())
                    : error.message();
            findings.add(FindingBuilder.at(meta(), context.source(), MemoryAnchors.anchor(context.domain()), message)
                    .data("kind", error.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .data("qemuError", error.message())
                    .build());
            first = false;
        }
        return findings;
    }

    private static String explanation(StartError.Kind kind) {
        return switch (kind) {
            case TOO_MANY_SLOTS -> " (QEMU's ACPI tables describe at most 256 memory slots)";
            case MAXMEM_BELOW_RAM -> " (<maxMemory> must be at least the initial memory)";
            case MAXMEM_EQUALS_RAM_WITH_SLOTS -> " (hotplug slots need <maxMemory> above the initial memory)";
            case MAXMEM_UNALIGNED -> " (<maxMemory> must be a multiple of 4 KiB)";
            case PHYS_BITS_OUT_OF_RANGE -> " (x86-64 vCPUs have 32 to 52 physical address bits)";
            case MEMORY_HOTPLUG_UNSUPPORTED -> " (this machine type has no memory-hotplug region)";
            default -> "";
        };
    }
}
