package dev.virtlint.rules.machine;

import java.util.List;

import dev.virtlint.platform.MachineType;
import dev.virtlint.platform.Platform;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Edits;

@RuleInfo(id = "VL003", name = "unpinned-machine-type", severity = Severity.INFO, family = Family.MACHINE,
        summary = "The machine type is an alias or missing, so its layout depends on the QEMU that defines it")
public final class UnpinnedMachineType implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        boolean alias = platform.machine().map(m -> m.alias()).orElse(false);
        if (platform.machineWritten() && !alias) {
            return List.of();
        }
        String resolved = platform.machine().map(m -> m.concreteName()).orElse("the emulator's default");
        String qemu = "QEMU " + platform.qemu().version();
        String predictions = " (address map, vIOMMU width, firmware window) assumes " + resolved;
        String message = platform.machineWritten()
                ? "'" + platform.machineName() + "' resolves to " + resolved + " on " + qemu + " but to another"
                        + " versioned type on another QEMU; every prediction here" + predictions + ". libvirt pins"
                        + " it at define time, so a file kept in a repository should name the type it was tested with"
                // Verified with libvirt 11.3: define writes the binary's default (query-machines' is-default) into
                // the persistent XML, so the file and the defined domain disagree from then on.
                : "no machine type: libvirt takes the QEMU binary's default, which on " + qemu + " is " + resolved
                        + platform.machine().map(UnpinnedMachineType::chipset).orElse("") + ", and writes that"
                        + " name into the definition at define time; defined against another QEMU the same file"
                        + " becomes that QEMU's default, other hardware than was tested. Every prediction here"
                        + predictions + ": name the type (machine='" + resolved + "', or a q35 type for PCI Express)";
        var element = MachineElements.anchor(context.domain());
        var builder = context.finding(this, element, message).data("resolvesTo", resolved);
        if (platform.machine().isPresent() && context.domain().os().typeElement().isPresent()) {
            builder.fix(Fix.unsafe("pin the machine type to " + resolved, List.of(Edits.setAttribute(
                    context.domain().document(), context.domain().os().typeElement().get(), "machine", resolved))));
        }
        return List.of(builder.build());
    }

    /** Users who leave the type out often expect q35; say which chipset the default really is. */
    private static String chipset(MachineType machine) {
        return switch (machine.family()) {
            case I440FX -> " (i440FX: conventional PCI, no PCI Express root ports; not q35)";
            case Q35 -> " (Q35: PCI Express)";
            case OTHER -> "";
        };
    }
}
