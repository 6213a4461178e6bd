package dev.virtlint.rules.machine;

import java.util.List;

import dev.virtlint.platform.Platform;
import dev.virtlint.platform.Registration;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL001", name = "unknown-machine-type", severity = Severity.ERROR, family = Family.MACHINE,
        summary = "The machine type does not exist in the target QEMU, so libvirt refuses the domain")
public final class UnknownMachineType implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        if (platform.registration() != Registration.NOT_REGISTERED || !context.domain().os().machine().isPresent()) {
            return List.of();
        }
        String name = platform.machineName();
        String qemu = "QEMU " + platform.qemu().version();
        String why = platform.machine().isEmpty()
                ? "no QEMU build defines a machine type named '" + name + "'"
                : qemu + " does not register '" + name + "'";
        var element = MachineElements.anchor(context.domain());
        var at = element.attribute("machine");
        String message = why + ": libvirt refuses the domain with \"unsupported configuration: Emulator"
                + " '/usr/bin/qemu-system-x86_64' does not support machine type '" + name + "'\"";
        return List.of((at.isPresent() ? context.finding(this, at.get(), message) : context.finding(this, element,
                message)).data("machine", name).data("qemuVersion", platform.qemu().version().toString()).build());
    }
}
