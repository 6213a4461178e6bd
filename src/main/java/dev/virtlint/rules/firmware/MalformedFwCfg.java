package dev.virtlint.rules.firmware;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.FwCfgEntry;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.firmware.FwCfgArgument;
import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.PciMmio64Knob;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL204", name = "malformed-fw-cfg", severity = Severity.ERROR, family = Family.FIRMWARE,
        summary = "An fw_cfg item QEMU or libvirt refuses, or an X-PciMmio64Mb value OVMF ignores")
public final class MalformedFwCfg implements Rule {
    /** {@code opt/ovmf/X-PciMmio64Mb=65536}: a name and its value in the form QEMU reads as an unknown option. */
    private static final Pattern NAME_EQUALS_VALUE = Pattern.compile("^(opt/[^=,]+)=([^,]*)$");
    /** A size with a binary suffix, or a hexadecimal number, that a user meant as the window size. */
    private static final Pattern SIZE = Pattern.compile("^\\s*(0[xX][0-9a-fA-F]+|[0-9]+)\\s*(?:([kKmMgGtT])(?:i?[bB])?)?\\s*$");
    private static final List<String> RESERVED_PREFIXES = List.of("opt/ovmf/", "opt/org.qemu/");

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        List<Finding> findings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (FwCfgEntry entry : domain.fwCfgEntries()) {
            sysinfoEntry(context, entry).ifPresent(findings::add);
            if (!names.add(entry.name())) {
                findings.add(context.finding(this, entry.element(), "QEMU will refuse to start: \"duplicate fw_cfg file"
                        + " name: " + entry.name() + "\" (<sysinfo type='fwcfg'> names it twice)").build());
            }
        }
        List<QemuArg> args = domain.honouredQemuArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (!args.get(i).value().equals("-fw_cfg")) {
                continue;
            }
            QemuArg value = args.get(++i);
            FwCfgArgument argument = FwCfgArgument.parse(value.value());
            if (!argument.isValid()) {
                findings.add(malformed(context, value, argument.error().get()));
            } else if (!names.add(argument.name().get())) {
                findings.add(context.finding(this, value.element(), "QEMU will refuse to start: \"duplicate fw_cfg file"
                        + " name: " + argument.name().get() + "\" (the domain passes it twice)").build());
            } else if (argument.name().get().equals(PciMmio64Knob.FW_CFG_NAME) && argument.string().isPresent()
                    && domain.os().usesUefi()) {
                ignoredKnob(context, value, argument.string().get()).ifPresent(findings::add);
            }
        }
        return findings;
    }

    private Finding malformed(LintContext context, QemuArg value, String error) {
        FindingBuilder finding = context.finding(this, value.element(), "QEMU will refuse to start: \"-fw_cfg "
                        + value.value() + ": " + error + "\"; it takes name=NAME,string=VALUE or name=NAME,file=PATH")
                .data("qemuError", error);
        Matcher nameEqualsValue = NAME_EQUALS_VALUE.matcher(value.value());
        if (nameEqualsValue.matches() && !nameEqualsValue.group(2).isEmpty()) {
            String fixed = "name=" + nameEqualsValue.group(1) + ",string=" + nameEqualsValue.group(2);
            finding.fix(Fix.safe("write -fw_cfg " + fixed, List.of(
                    Edits.setAttribute(context.domain().document(), value.element(), "value", fixed))));
        }
        return finding.build();
    }

    private Optional<Finding> ignoredKnob(LintContext context, QemuArg value, String string) {
        Optional<OvmfRelease> release = OvmfRelease.parse(context.platform().stack().ovmf());
        if (release.isEmpty()) {
            return Optional.empty();
        }
        PciMmio64Knob knob = PciMmio64Knob.read(string, release.get());
        if (knob.state() != PciMmio64Knob.State.IGNORED) {
            return Optional.empty();
        }
        FindingBuilder finding = OvmfEvidence.with(context.finding(this, value.element(), "OVMF " + release.get()
                        + " ignores X-PciMmio64Mb: " + knob.problem() + ", so its 64-bit window keeps the size it would"
                        + " have without the knob. The value is the window size in MiB, in decimal, at most "
                        + PciMmio64Knob.MAX_MIB + " (16 TiB)"), release.get())
                .data("value", string);
        OptionalLong mib = meantMib(string);
        if (mib.isPresent()) {
            String fixed = "name=" + PciMmio64Knob.FW_CFG_NAME + ",string=" + mib.getAsLong();
            finding.fix(Fix.safe("write X-PciMmio64Mb as " + mib.getAsLong() + " (MiB, decimal)", List.of(
                    Edits.setAttribute(context.domain().document(), value.element(), "value", fixed))));
        }
        return Optional.of(finding.build());
    }

    /** {@code 64G} or {@code 64GiB} as 65536, {@code 0x10000} as 65536; empty when not a whole MiB up to 16 TiB. */
    static OptionalLong meantMib(String value) {
        Matcher size = SIZE.matcher(value);
        if (!size.matches()) {
            return OptionalLong.empty();
        }
        String number = size.group(1);
        BigInteger amount = number.startsWith("0x") || number.startsWith("0X")
                ? new BigInteger(number.substring(2), 16) : new BigInteger(number);
        BigInteger mib;
        if (size.group(2) == null) {
            mib = amount;
        } else {
            int shift = 10 * "kmgt".indexOf(size.group(2).toLowerCase(Locale.ROOT));
            BigInteger bytes = amount.shiftLeft(shift + 10);
            if (bytes.mod(BigInteger.ONE.shiftLeft(20)).signum() != 0) {
                return OptionalLong.empty();
            }
            mib = bytes.shiftRight(20);
        }
        return mib.signum() > 0 && mib.compareTo(BigInteger.valueOf(PciMmio64Knob.MAX_MIB)) <= 0
                ? OptionalLong.of(mib.longValue()) : OptionalLong.empty();
    }

    /** libvirt's own checks of {@code <sysinfo type='fwcfg'>} names (qemuValidateDomainDefSysinfo). */
    private Optional<Finding> sysinfoEntry(LintContext context, FwCfgEntry entry) {
        String name = entry.name();
        if (!name.startsWith("opt/")) {
            return Optional.of(context.finding(this, entry.element(), "libvirt refuses the domain: \"Invalid firmware"
                    + " name\" — fw_cfg names in <sysinfo type='fwcfg'> must start with opt/").build());
        }
        if (RESERVED_PREFIXES.stream().noneMatch(name::startsWith)) {
            return Optional.empty();
        }
        FindingBuilder finding = context.finding(this, entry.element(), "libvirt refuses the domain: \"That firmware"
                + " name is reserved\" — names under opt/ovmf/ and opt/org.qemu/ cannot be set through <sysinfo"
                + " type='fwcfg'>; pass " + name + " with -fw_cfg in <qemu:commandline> instead");
        moveToCommandLine(context, entry).ifPresent(finding::fix);
        return Optional.of(finding.build());
    }

    private static Optional<Fix> moveToCommandLine(LintContext context, FwCfgEntry entry) {
        String content;
        if (entry.file().isPresent()) {
            content = "file=" + escape(entry.file().get());
        } else if (entry.value().isPresent()) {
            content = "string=" + escape(entry.value().get());
        } else {
            return Optional.empty();
        }
        Optional<List<TextEdit>> add = QemuCommandLineEdits.set(context.domain(), "-fw_cfg",
                value -> FwCfgArgument.parse(value).name().map(entry.name()::equals).orElse(false),
                "name=" + escape(entry.name()) + "," + content);
        if (add.isEmpty()) {
            return Optional.empty();
        }
        XmlElement sysinfo = entry.element().parent().orElseThrow();
        XmlElement removed = sysinfo.children().size() == 1 ? sysinfo : entry.element();
        List<TextEdit> edits = new ArrayList<>(add.get());
        edits.add(Edits.removeElement(context.source(), removed));
        return Optional.of(Fix.safe("move " + entry.name() + " from <sysinfo type='fwcfg'> to -fw_cfg in"
                + " <qemu:commandline>", edits));
    }

    /** QEMU option values write a comma as two. */
    private static String escape(String value) {
        return value.replace(",", ",,");
    }
}
