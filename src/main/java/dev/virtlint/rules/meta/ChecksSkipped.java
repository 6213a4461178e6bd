package dev.virtlint.rules.meta;

import java.util.ArrayList;
import java.util.Collection;
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
 * silence is never mistaken for a clean bill of health. The same facts are usually missing for every file of a
 * run, so reporters merge these findings and show them once per run; {@link #GAPS} carries what they merge.
 */
@RuleInfo(id = "VL901", name = "checks-skipped", severity = Severity.INFO, family = Family.META,
        summary = "Some checks need facts this run does not have (usually host facts); they were skipped")
public final class ChecksSkipped implements Rule {
    public static final String ID = "VL901";
    /** The data key of the finding's {@link Gap}s. */
    public static final String GAPS = "gaps";
    /** The data key that says whether the file was linted with a host root. */
    public static final String HOST_ROOT = "hostRoot";

    private static final String GIVE_HOST_ROOT = "Give --host-root DIR (a host captured with 'virt-lint host-facts"
            + " --snapshot') or --connect URI to check them";
    private static final String CAPTURE_AGAIN = "Capture the host again with 'virt-lint host-facts --snapshot' on it"
            + " to check them";

    /**
     * One fact some checks lacked, and the rules that needed it.
     *
     * @param hostRootLacks the file or directory the run's host root lacks that would hold the fact; empty when the
     *                      run has no host root, or the fact is not one a host root holds
     */
    public record Gap(String fact, List<String> rules, String hostRootLacks, boolean hostFact) {
        public Gap {
            rules = List.copyOf(rules);
        }
    }

    @Override
    public boolean readsOtherRulesOutcome() {
        return true;
    }

    @Override
    public List<Finding> check(LintContext context) {
        if (context.notChecked().isEmpty()) {
            return List.of();
        }
        boolean hostRoot = context.hostFacts().isPresent();
        List<Gap> gaps = new ArrayList<>();
        for (Map.Entry<String, Set<String>> entry : context.notChecked().byMissingFact().entrySet()) {
            String lacks = hostRoot ? context.notChecked().hostPath(entry.getKey()).orElse("") : "";
            gaps.add(new Gap(entry.getKey(), List.copyOf(entry.getValue()), lacks,
                    context.notChecked().isHostFact(entry.getKey())));
        }
        List<String> parts = gaps.stream().map(gap -> part(gap.rules(), gap.fact(), gap.hostRootLacks())).toList();
        return List.of(context.finding(this, context.domain().root(), "not checked — " + String.join("; ", parts)
                        + advice(!hostRoot && gaps.stream().anyMatch(Gap::hostFact),
                        gaps.stream().anyMatch(gap -> !gap.hostRootLacks().isEmpty())))
                .data("skipped", String.join("; ", parts))
                .data(HOST_ROOT, hostRoot)
                .data(GAPS, gaps)
                .build());
    }

    /** "VL402, VL403: the fact", and what the host root lacks for it when one was given. */
    public static String part(Collection<String> rules, String fact, String hostRootLacks) {
        return String.join(", ", rules) + ": " + fact
                + (hostRootLacks.isEmpty() ? "" : ": the captured host has no " + hostRootLacks);
    }

    /**
     * What would let the checks run: host facts where there were none, a new capture where the one given lacks
     * files; nothing when neither helps (the missing fact is not the host's).
     */
    public static String advice(boolean withoutHostRoot, boolean hostRootLacksFiles) {
        if (withoutHostRoot) {
            return ". " + GIVE_HOST_ROOT;
        }
        return hostRootLacksFiles ? ". " + CAPTURE_AGAIN : "";
    }
}
