package dev.virtlint.rules.machine;

import java.util.List;

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
        String written = platform.machineWritten() ? "'" + platform.machineName() + "'" : "no machine type";
        var element = MachineElements.anchor(context.domain());
        String message = written + " resolves to " + resolved + " on QEMU " + platform.qemu().version()
                + " but to another versioned type on another QEMU; every prediction here (address map, vIOMMU"
                + " width, firmware window) assumes " + resolved + ". libvirt pins it at define time, so a file"
                + " kept in a repository should name the type it was tested with";
        var builder = context.finding(this, element, message).data("resolvesTo", resolved);
        if (platform.machine().isPresent() && context.domain().os().typeElement().isPresent()) {
            builder.fix(Fix.unsafe("pin the machine type to " + resolved, List.of(Edits.setAttribute(
                    context.domain().document(), context.domain().os().typeElement().get(), "machine", resolved))));
        }
        return List.of(builder.build());
    }
}
