package dev.virtlint.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.virtlint.rules.EditDistance;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleMeta;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.Severity;

/**
 * Which rules run and how severe their findings are. A selector is a rule ID ({@code VL102}), a rule name
 * ({@code amd-1tb-relocation}), an ID prefix naming a family or part of one ({@code VL1}, {@code VL10}), or
 * {@code ALL}. A rule runs when a {@code select} selector matches it and no {@code ignore} selector does.
 */
public record RuleSelection(List<String> select, List<String> ignore, Map<String, Severity> severity) {
    public static final String ALL = "ALL";
    private static final Pattern ID_PREFIX = Pattern.compile("(?i)VL\\d{0,2}");

    public RuleSelection {
        select = List.copyOf(select);
        ignore = List.copyOf(ignore);
        severity = Map.copyOf(severity);
    }

    /** Whether {@code selector} names a rule or a prefix of rule IDs; an unknown full ID or name does not. */
    public static boolean isValid(String selector) {
        return selector.equals(ALL) || ID_PREFIX.matcher(selector).matches() || RuleRegistry.find(selector).isPresent();
    }

    /**
     * Why {@code selector} names no rule, for a person: "no rule 'phys-bits-to-low': did you mean
     * phys-bits-too-low (VL101)? …", the suggestion being the rule ID or name fewest edits away.
     */
    public static String unknownSelectorMessage(String selector) {
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (Rule rule : RuleRegistry.all()) {
            for (String candidate : List.of(rule.meta().id(), rule.meta().name())) {
                int distance = EditDistance.between(selector.toLowerCase(Locale.ROOT),
                        candidate.toLowerCase(Locale.ROOT));
                if (distance < best) {
                    best = distance;
                    closest = candidate.equals(rule.meta().id()) ? candidate
                            : candidate + " (" + rule.meta().id() + ")";
                }
            }
        }
        String suggestion = EditDistance.isCloseEnough(selector, best) ? ": did you mean " + closest + "?" : "";
        return "no rule '" + selector + "'" + suggestion + " Use a rule ID (VL102), a name (amd-1tb-relocation), an"
                + " ID prefix (VL1) or ALL; 'virt-lint rules' lists them";
    }

    static boolean matches(String selector, RuleMeta rule) {
        if (selector.equals(ALL) || selector.equalsIgnoreCase(rule.id()) || selector.equals(rule.name())) {
            return true;
        }
        return ID_PREFIX.matcher(selector).matches()
                && rule.id().startsWith(selector.toUpperCase(Locale.ROOT));
    }

    /** The rules of {@code all} that run, each reporting at its configured severity. */
    public List<Rule> apply(List<Rule> all) {
        List<Rule> chosen = new ArrayList<>();
        for (Rule rule : all) {
            RuleMeta meta = rule.meta();
            if (select.stream().noneMatch(s -> matches(s, meta)) || ignore.stream().anyMatch(s -> matches(s, meta))) {
                continue;
            }
            Severity configured = meta.severity();
            int bestSpecificity = -1;
            for (Map.Entry<String, Severity> entry : severity.entrySet()) {
                if (matches(entry.getKey(), meta) && specificity(entry.getKey()) > bestSpecificity) {
                    configured = entry.getValue();
                    bestSpecificity = specificity(entry.getKey());
                }
            }
            chosen.add(configured == meta.severity() ? rule : new WithSeverity(rule,
                    new RuleMeta(meta.id(), meta.name(), configured, meta.family(), meta.summary())));
        }
        return chosen;
    }

    /** The most specific severity selector wins: a rule beats a longer prefix, which beats a shorter one. */
    private static int specificity(String selector) {
        if (selector.equals(ALL)) {
            return 0;
        }
        return ID_PREFIX.matcher(selector).matches() ? selector.length() : Integer.MAX_VALUE;
    }

    /** A rule whose findings carry a configured severity instead of its default. */
    private record WithSeverity(Rule rule, RuleMeta meta) implements Rule {
        @Override
        public List<Finding> check(LintContext context) {
            return rule.check(context).stream().map(finding -> finding.reportedAs(meta)).toList();
        }
    }
}
