package dev.virtlint.rules.machine;

import java.util.List;

import dev.virtlint.platform.MachineCatalogue;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.Registration;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL002", name = "deprecated-machine-type", severity = Severity.WARNING, family = Family.MACHINE,
        summary = "The machine type is deprecated in the target QEMU and will be removed")
public final class DeprecatedMachineType implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        if (platform.registration() != Registration.DEPRECATED || platform.machine().isEmpty()) {
            return List.of();
        }
        String name = platform.machine().get().concreteName();
        var element = MachineElements.anchor(context.domain());
        String message = "QEMU " + platform.qemu().version() + " warns at every start \"Machine type '" + name
                + "' is deprecated: machines more than 3 years old are subject to deletion after 6 years\"; a"
                + " later QEMU will refuse the domain. Moving to a current type changes the guest's hardware, so"
                + " plan it (a Windows guest may need reactivation)";
        var at = element.attribute("machine");
        FindingBuilder finding = (at.isPresent() ? context.finding(this, at.get(), message)
                : context.finding(this, element, message)).data("machine", name);
        MachineCatalogue.machineListSource(platform.qemu()).ifPresent(source -> finding.data("machineList", source));
        return List.of(finding.build());
    }
}
