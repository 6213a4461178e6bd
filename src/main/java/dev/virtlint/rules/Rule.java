package dev.virtlint.rules;

import java.util.List;

/**
 * A check. Implementations carry {@link RuleInfo}, are registered in {@link RuleRegistry}, and only read
 * the context: they never parse XML or touch files.
 */
public interface Rule {
    List<Finding> check(LintContext context);

    /**
     * True for a rule that reports on what the other rules concluded rather than on the domain, so it runs once
     * after all of them, also where the linter checks the domain once per host of a range.
     */
    default boolean readsOtherRulesOutcome() {
        return false;
    }

    default RuleMeta meta() {
        return RuleMeta.of(getClass());
    }
}
