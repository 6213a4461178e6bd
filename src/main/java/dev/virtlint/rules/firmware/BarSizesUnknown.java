package dev.virtlint.rules.firmware;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.firmware.OvmfPlan;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL203", name = "bar-sizes-unknown", severity = Severity.INFO, family = Family.FIRMWARE,
        summary = "Without the passed-through devices' BAR sizes, whether OVMF can place them is not checked")
public final class BarSizesUnknown implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Optional<OvmfPlan> plan = context.platform().firmware().value();
        if (plan.isEmpty()) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        for (Hostdev hostdev : context.domain().pciHostdevs()) {
            if (hostdev.source().isEmpty()) {
                continue;
            }
            Optional<String> why = PassthroughBars.whyUnknown(hostdev, context.hostFacts());
            if (why.isEmpty()) {
                continue;
            }
            String bdf = hostdev.source().get().bdf();
            findings.add(context.finding(this, hostdev.element(), "whether OVMF " + plan.get().input().release()
                            + " can place the BARs of host device " + bdf + " is not checked: " + why.get() + ". It"
                            + " will have " + FirmwarePrediction.describe(plan.get().aperture()) + "; a device whose"
                            + " BARs, with the hot-plug padding of the root ports, need more is left without resources")
                    .data("hostDevice", bdf)
                    .data("reason", why.get())
                    .build());
        }
        return findings;
    }
}
