package dev.virtlint.rules.meta;

import java.util.List;

import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * A suppression that suppresses nothing. Its findings are made by the suppression pass that runs after
 * every rule ({@link dev.virtlint.config.Suppressions}), the one place that sees which suppressions matched
 * a finding; this class gives the rule its identity, its place in the registry and its configuration
 * (select, ignore, severity) like any other rule.
 */
@RuleInfo(id = "VL900", name = "unused-suppression", severity = Severity.INFO, family = Family.META,
        summary = "A suppression that suppresses nothing: its rule finds nothing there any more, or it names no rule")
public final class UnusedSuppression implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        return List.of();
    }
}
