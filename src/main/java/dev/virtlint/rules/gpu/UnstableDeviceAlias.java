package dev.virtlint.rules.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.QemuDeviceOverride;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.qemu.DeviceAliases;
import dev.virtlint.rules.qemu.DeviceAliases.AutoHostdev;
import dev.virtlint.rules.qemu.QemuCommandLine;
import dev.virtlint.rules.qemu.QemuCommandLine.Item;
import dev.virtlint.rules.qemu.QemuCommandLine.SetTarget;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL404", name = "unstable-device-alias", severity = Severity.WARNING, family = Family.GPU,
        summary = "A qemu:override or -set names libvirt's automatic hostdevN alias, which moves when hostdevs change")
public final class UnstableDeviceAlias implements Rule {

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        List<Finding> findings = new ArrayList<>();
        for (QemuDeviceOverride override : domain.honouredDeviceOverrides()) {
            Optional<AutoHostdev> target = DeviceAliases.autoHostdev(domain, override.alias());
            if (target.isEmpty()) {
                continue;
            }
            String what = override.properties().size() + " propert" + (override.properties().size() == 1 ? "y" : "ies");
            findings.add(finding(context, override.element(), override.alias(), target.get(),
                    "<qemu:device alias='" + override.alias() + "'> sets " + what,
                    hostdev -> Edits.setAttribute(domain.document(), override.element(), "alias", hostdev)));
        }
        // With JSON devices -set fails outright, which VL503 reports and fixes together with the alias.
        if (QemuCommandLine.devicesAreJson(context.platform().stack())) {
            return findings;
        }
        for (Item item : QemuCommandLine.of(domain)) {
            Optional<SetTarget> set = item.is("set") ? item.valueText().flatMap(QemuCommandLine::parseSet) : Optional.empty();
            if (set.isEmpty() || !set.get().group().equals("device")) {
                continue;
            }
            Optional<AutoHostdev> target = DeviceAliases.autoHostdev(domain, set.get().id());
            if (target.isEmpty()) {
                continue;
            }
            XmlElement valueElement = item.value().get().element();
            SetTarget setTarget = set.get();
            findings.add(finding(context, valueElement, setTarget.id(), target.get(),
                    "-set device." + setTarget.id() + "." + setTarget.property() + " sets " + setTarget.property(),
                    alias -> Edits.setAttribute(domain.document(), valueElement, "value",
                            "device." + alias + "." + setTarget.property() + "=" + setTarget.value())));
        }
        return findings;
    }

    private Finding finding(LintContext context, XmlElement at, String alias, AutoHostdev target, String what,
                            Function<String, TextEdit> retarget) {
        DomainDef domain = context.domain();
        String ordinal = ordinal(target.index() + 1);
        if (target.hostdev().isEmpty()) {
            String message = target.index() < target.count()
                    ? what + " on '" + alias + "', the automatic alias of the " + ordinal + " host device, which is an"
                            + " <interface type='hostdev'>: libvirt numbers host devices in the order it meets them, so"
                            + " adding, removing or reordering one silently moves the setting to another device"
                    : what + " on '" + alias + "', but the domain has " + target.count() + " host device"
                            + (target.count() == 1 ? "" : "s") + " without a user alias, so no device is named "
                            + alias + " and the setting reaches none of them";
            return context.finding(this, at, message).data("alias", alias).build();
        }
        Hostdev hostdev = target.hostdev().get();
        String device = hostdev.source().map(s -> " (" + s.bdf() + ")").orElse("");
        String userAlias = DeviceAliases.freshUserAlias(domain, hostdev, Gpus.aliasStem(context, hostdev));
        String message = what + " on '" + alias + "', the alias libvirt generates for the " + ordinal + " host device"
                + device + ": libvirt numbers host devices in document order, so adding, removing or reordering a"
                + " <hostdev> silently moves the setting to another device. Give this one a user alias, <alias name='"
                + userAlias + "'/>, and name that instead";
        return context.finding(this, at, message)
                .data("alias", alias)
                .data("userAlias", userAlias)
                .fix(Fix.safe("name the device " + userAlias + " and use that alias", List.of(
                        DeviceAliases.assign(domain, hostdev, userAlias), retarget.apply(userAlias))))
                .build();
    }

    private static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
