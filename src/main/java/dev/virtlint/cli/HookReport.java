package dev.virtlint.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.virtlint.hook.HookScript;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;

/**
 * What a refused start says. libvirt puts it after "Hook script execution failed: ... unexpected exit status 1:",
 * so it is short: each finding with its rule ID and the element it is in (the line numbers of the live XML
 * libvirt passes would not match the user's file), then the commands that fix the definition.
 */
final class HookReport {
    private HookReport() {
    }

    static String refusal(String name, List<Finding> blocking, Path config) {
        StringBuilder report = new StringBuilder();
        report.append("virt-lint: guest '").append(name).append("' was not started: ").append(blocking.size())
                .append(blocking.size() == 1 ? " problem" : " problems").append(" in its definition\n");
        Set<String> rules = new TreeSet<>();
        boolean anySafeFix = false;
        boolean anyUnsafeFix = false;
        for (Finding finding : blocking) {
            rules.add(finding.rule().id());
            Optional<Fix.Safety> safety = finding.fix().map(Fix::safety);
            anySafeFix |= safety.equals(Optional.of(Fix.Safety.SAFE));
            anyUnsafeFix |= safety.equals(Optional.of(Fix.Safety.UNSAFE));
            report.append("  ").append(finding.severity().label()).append(' ').append(finding.rule().id()).append(' ')
                    .append(finding.rule().name());
            finding.elementPath().ifPresent(path -> report.append(" at ").append(path));
            report.append(": ").append(finding.message()).append(safety.map(fix -> fix == Fix.Safety.SAFE
                    ? " [fix available]" : " [unsafe fix available: --unsafe-fixes]").orElse("")).append('\n');
        }
        String file = HookScript.quote(name + ".xml");
        String domain = HookScript.quote(name);
        if (anySafeFix || anyUnsafeFix) {
            // With this host's facts, as the hook checked it: some fixes are safe only where the host has the bits.
            report.append("Fix the definition, then start it again").append(anySafeFix ? ""
                    : " (the fixes change more than the findings: see them first with --diff)").append(":\n")
                    .append("  virsh dumpxml --inactive ").append(domain).append(" > ").append(file)
                    .append(" && virt-lint --host-root / --fix ").append(anySafeFix ? "" : "--unsafe-fixes ")
                    .append(file).append(" && virsh define ").append(file).append('\n');
        } else {
            report.append("Fix the definition ('virt-lint explain ").append(String.join("', '", rules))
                    .append("' says how), then start it again:\n  virsh edit ").append(domain).append('\n');
        }
        report.append("To start it unchecked, add it to skip-domains in ").append(config).append(".\n");
        return report.toString();
    }
}
