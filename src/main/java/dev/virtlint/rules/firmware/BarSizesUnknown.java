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

/**
 * Once per domain, at the first passed-through device whose BARs the run cannot size: which devices go unchecked,
 * and what OVMF's 64-bit window can hold instead, per kind of host where the window depends on the host.
 */
@RuleInfo(id = "VL203", name = "bar-sizes-unknown", severity = Severity.INFO, family = Family.FIRMWARE,
        summary = "Without the passed-through devices' BAR sizes, whether OVMF can place them is not checked")
public final class BarSizesUnknown implements Rule {
    private static final String LARGE_BARS = "a GPU whose 64-bit BARs, with the root ports' hot-plug padding, need"
            + " more (resizable-BAR consumer cards ask for 16-32 GiB, data-centre cards for 64-128 GiB and more) is"
            + " left without resources";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<OvmfPlan> plan = context.platform().firmware().value();
        if (plan.isEmpty()) {
            return List.of();
        }
        List<Hostdev> unsized = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        Optional<String> reason = Optional.empty();
        for (Hostdev hostdev : context.domain().pciHostdevs()) {
            // A device the host does not have is VL601's error; its BARs are not the question then.
            boolean absent = PassthroughBars.absentFromHost(hostdev, context.hostFacts());
            Optional<String> why = hostdev.source().isEmpty() || absent ? Optional.empty()
                    : PassthroughBars.whyUnknown(hostdev, context.hostFacts(), context.declaredDevices());
            if (why.isPresent()) {
                unsized.add(hostdev);
                devices.add(hostdev.source().get().bdf());
                reason = reason.or(() -> why);
            }
        }
        if (unsized.isEmpty()) {
            return List.of();
        }
        String release = plan.get().input().release().toString();
        WindowCapacity windows = WindowCapacity.of(context.hostRange());
        String capacity = windows.isSingle() ? "It will have " + FirmwarePrediction.describe(plan.get().aperture())
                : "OVMF " + release + " gives this guest a 64-bit PCI window of " + windows.text();
        String message = "whether OVMF " + release + " can place the BARs of host device" + (devices.size() > 1 ? "s "
                : " ") + String.join(", ", devices) + " is not checked: " + reason.get() + ". " + capacity + ": "
                + LARGE_BARS;
        return List.of(OvmfEvidence.with(context.finding(this, unsized.get(0).element(), message),
                        plan.get().input().release())
                .data("hostDevices", devices)
                .data("reason", reason.get())
                .data("windowBytes", windows.data())
                .build());
    }
}
