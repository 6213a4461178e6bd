package dev.virtlint.rules.qemu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.qemu.QemuCommandLine.Item;

/**
 * Repeated {@code -acpitable} files and {@code -smbios} structures. QEMU takes every repeat without a word, so nothing
 * fails at start; what the guest gets instead is said per case. A repeated {@code -fw_cfg name=} is VL204's: QEMU
 * refuses that one.
 */
@RuleInfo(id = "VL506", name = "qemu-arg-duplicate", severity = Severity.INFO, family = Family.QEMU,
        summary = "The same -acpitable file or -smbios structure given twice in qemu:commandline")
public final class QemuArgDuplicate implements Rule {
    /** SMBIOS types QEMU builds once, from fields each {@code -smbios type=N} sets (smbios_entry_add's save_opt). */
    private static final List<String> SINGLE_STRUCTURE_TYPES = List.of("0", "1", "2", "3");

    @Override
    public List<Finding> check(LintContext context) {
        String qemu = "QEMU " + context.platform().qemu().version().series();
        List<Finding> findings = new ArrayList<>();
        Map<String, Item> acpiTables = new LinkedHashMap<>();
        Map<String, Item> smbiosTypes = new LinkedHashMap<>();
        for (Item item : QemuCommandLine.of(context.domain())) {
            Optional<String> value = item.valueText();
            if (value.isEmpty()) {
                continue;
            }
            if (item.is("acpitable")) {
                Optional<String> file = QemuCommandLine.property(value.get(), "file")
                        .or(() -> QemuCommandLine.property(value.get(), "data"));
                if (file.isEmpty()) {
                    continue;
                }
                Item first = acpiTables.putIfAbsent(file.get(), item);
                if (first != null) {
                    findings.add(duplicate(context, first, item, qemu + " adds " + file.get() + " to the guest's ACPI"
                            + " tables once per -acpitable, without a word: the guest gets two copies of the table, and"
                            + " every object an SSDT defines is defined twice").data("file", file.get()).build());
                }
            } else if (item.is("smbios")) {
                Optional<String> type = QemuCommandLine.property(value.get(), "type");
                if (type.isEmpty()) {
                    continue;
                }
                Item first = smbiosTypes.putIfAbsent(type.get(), item);
                if (first != null) {
                    smbiosRepeat(context, first, item, type.get(), qemu).ifPresent(findings::add);
                }
            }
        }
        return findings;
    }

    private Optional<Finding> smbiosRepeat(LintContext context, Item first, Item repeat, String type, String qemu) {
        boolean identical = first.valueText().equals(repeat.valueText());
        if (SINGLE_STRUCTURE_TYPES.contains(type)) {
            if (identical) {
                return Optional.of(duplicate(context, first, repeat, qemu + " builds one SMBIOS type " + type
                        + " structure, and this repeat sets its fields to the values they already have: it changes"
                        + " nothing").data("type", type).build());
            }
            List<String> overridden = new ArrayList<>();
            Map<String, String> earlier = QemuCommandLine.keyed(first.valueText().get());
            QemuCommandLine.keyed(repeat.valueText().get()).forEach((key, value) -> {
                if (!key.equals("type") && earlier.containsKey(key) && !earlier.get(key).equals(value)) {
                    overridden.add(key + "=" + value + " (not " + earlier.get(key) + ")");
                }
            });
            if (overridden.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(context.finding(this, repeat.value().get().element(), qemu + " builds one SMBIOS type "
                            + type + " structure from every -smbios type=" + type + ", the later value of a field"
                            + " winning without a word: the guest gets " + String.join(", ", overridden)
                            + ", from line "
                            + line(context, repeat) + " over line " + line(context, first))
                    .data("type", type)
                    .build());
        }
        if (!identical) {
            return Optional.empty();
        }
        return Optional.of(duplicate(context, first, repeat, qemu + " adds what every -smbios type=" + type
                + " describes, without a word: the guest gets it twice").data("type", type).build());
    }

    /** A byte-identical repeat goes safely: it adds nothing the first one does not. */
    private FindingBuilder duplicate(LintContext context, Item first, Item repeat, String consequence) {
        boolean identical = first.valueText().equals(repeat.valueText());
        FindingBuilder finding = context.finding(this, repeat.value().get().element(), "-" + repeat.optionName().get()
                + " " + repeat.valueText().get() + " repeats line " + line(context, first) + (identical ? "" : " ("
                + first.valueText().get() + ")") + ": " + consequence);
        if (identical) {
            finding.fix(Fix.safe("remove the repeated -" + repeat.optionName().get() + " " + repeat.valueText().get(),
                    QemuEdits.removeArgs(context.domain(), List.of(repeat.arg(), repeat.value().get()))));
        }
        return finding;
    }

    private static int line(LintContext context, Item item) {
        return context.source().positionOf(item.arg().element().startTag().start()).line();
    }
}
