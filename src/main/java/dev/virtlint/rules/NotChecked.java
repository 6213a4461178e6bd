package dev.virtlint.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a file's rules could not check because the run lacks a fact (usually host facts), so that the
 * linter can say so once per file instead of guessing or staying silently incomplete.
 */
public final class NotChecked {
    private final Map<String, Set<String>> rulesByMissingFact = new LinkedHashMap<>();

    public void add(RuleMeta rule, String missingFact) {
        rulesByMissingFact.computeIfAbsent(missingFact, fact -> new TreeSet<>()).add(rule.id());
    }

    public boolean isEmpty() {
        return rulesByMissingFact.isEmpty();
    }

    /** Missing fact → the IDs of the rules that needed it, in the order the facts were first missed. */
    public Map<String, Set<String>> byMissingFact() {
        return rulesByMissingFact;
    }
}
