package dev.virtlint.rules;

import java.util.List;

/**
 * A check. Implementations carry {@link RuleInfo}, are registered in {@link RuleRegistry}, and only read
 * the context: they never parse XML or touch files.
 */
public interface Rule {
    List<Finding> check(LintContext context);

    default RuleMeta meta() {
        return RuleMeta.of(getClass());
    }
}
