package dev.virtlint.rules.gpu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.Controller;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.GuestPciAddress;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL401", name = "gpu-root-port-hotplug", severity = Severity.INFO, family = Family.GPU,
        summary = "A GPU sits on a hot-pluggable PCIe root port: a Windows guest lists it as removable")
public final class GpuRootPortHotplug implements Rule {

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        // Only Windows offers every device in a hot-pluggable slot for ejection in its tray; other guests need a
        // deliberate command, so nothing is at risk there.
        if (domain.isKnownNotWindows()) {
            return List.of();
        }
        Optional<String> windows = domain.windowsEvidence();
        List<Finding> findings = new ArrayList<>();
        Set<XmlElement> reported = new HashSet<>();
        for (Gpus.Gpu gpu : Gpus.assigned(context)) {
            Optional<GuestPciAddress> guest = gpu.hostdev().guestAddress();
            if (guest.isEmpty()) {
                continue;
            }
            Optional<Controller> port = domain.pciController(guest.get().address().bus())
                    .filter(Controller::isRootPort);
            if (port.isEmpty() || port.get().hotplug().map("off"::equals).orElse(false)
                    || !reported.add(port.get().element())) {
                continue;
            }
            Controller controller = port.get();
            int index = controller.index().orElseThrow();
            String state = controller.hotplug().map(value -> "hotplug='" + value + "'").orElse("no hotplug setting,"
                    + " so hot-plug is on");
            String message = "the GPU " + gpu.source().bdf() + " (recognised because " + gpu.evidence() + ") sits on"
                    + " root port " + index + " (" + controller.model().orElseThrow() + ", " + state + "), so the guest"
                    + " sees it in a hot-pluggable slot: " + windows.map(why -> "Windows (" + why + ") lists")
                            .orElse("a Windows guest lists") + " it under \"Safely Remove Hardware\", where one click"
                    + " ejects the guest's GPU. Set <target hotplug='off'/> on root port " + index;
            findings.add(context.finding(this, controller.element(), message)
                    .data("rootPort", index)
                    .data("gpu", gpu.source().bdf())
                    .data("recognisedBy", gpu.recognisedByHostFacts() ? "host facts" : "domain")
                    .fix(fix(context, controller).orElse(null))
                    .build());
        }
        return findings;
    }

    private static Optional<Fix> fix(LintContext context, Controller controller) {
        if (!context.platform().stack().libvirtAtLeast(6, 3)) {
            return Optional.empty();
        }
        DomainDef domain = context.domain();
        TextEdit edit = controller.target().isPresent()
                ? Edits.setAttribute(domain.document(), controller.target().get(), "hotplug", "off")
                : Edits.insertChild(domain.document().source(), controller.element(),
                        "<target hotplug=" + Edits.quoteOf(domain.document()) + "off" + Edits.quoteOf(domain.document())
                                + "/>", List.of("model"));
        return Optional.of(Fix.safe("set hotplug='off' on root port " + controller.index().orElseThrow(), List.of(edit)));
    }
}
