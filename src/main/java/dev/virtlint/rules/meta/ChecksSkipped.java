package dev.virtlint.rules.meta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * Runs last: reports, once per file, the checks earlier rules could not make for lack of a fact, so
 * silence is never mistaken for a clean bill of health.
 */
@RuleInfo(id = "VL901", name = "checks-skipped", severity = Severity.INFO, family = Family.META,
        summary = "Some checks need facts this run does not have (usually host facts); they were skipped")
public final class ChecksSkipped implements Rule {
    @Override
    public boolean readsOtherRulesOutcome() {
        return true;
    }

    @Override
    public List<Finding> check(LintContext context) {
        if (context.notChecked().isEmpty()) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Set<String>> entry : context.notChecked().byMissingFact().entrySet()) {
            parts.add(String.join(", ", entry.getValue()) + ": " + entry.getKey());
        }
        return List.of(context.finding(this, context.domain().root(), "not checked — " + String.join("; ", parts)
                        + ". Give --host-root DIR (a host captured with 'virt-lint host-facts --snapshot') or"
                        + " --connect URI to check them")
                .data("skipped", String.join("; ", parts))
                .build());
    }
}
