package dev.virtlint.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.virtlint.hook.HookScript;
import dev.virtlint.rules.Finding;

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
        boolean anyFix = false;
        for (Finding finding : blocking) {
            rules.add(finding.rule().id());
            anyFix |= finding.fix().isPresent();
            report.append("  ").append(finding.severity().label()).append(' ').append(finding.rule().id()).append(' ')
                    .append(finding.rule().name());
            finding.elementPath().ifPresent(path -> report.append(" at ").append(path));
            report.append(": ").append(finding.message()).append(finding.fix().isPresent() ? " [fix available]" : "")
                    .append('\n');
        }
        String file = HookScript.quote(name + ".xml");
        String domain = HookScript.quote(name);
        if (anyFix) {
            report.append("Fix the definition, then start it again:\n  virsh dumpxml --inactive ").append(domain)
                    .append(" > ").append(file).append(" && virt-lint --fix ").append(file).append(" && virsh define ")
                    .append(file).append('\n');
        } else {
            report.append("Fix the definition ('virt-lint explain ").append(String.join("', '", rules))
                    .append("' says how), then start it again:\n  virsh edit ").append(domain).append('\n');
        }
        report.append("To start it unchecked, add it to skip-domains in ").append(config).append(".\n");
        return report.toString();
    }
}
