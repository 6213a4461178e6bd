package dev.virtlint.fix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.Linter;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.Span;
import dev.virtlint.xml.TextEdit;

/**
 * Applies fixes as splices on the original text, the way ruff and ESLint do: a pass takes every fix whose
 * edits do not overlap an already accepted one, splices them, re-parses and re-lints; fixes that
 * overlapped wait for the next pass. It stops when a pass changes nothing, or after {@link #MAX_PASSES},
 * which means some rule's fix does not remove its own finding.
 */
public final class FixApplier {
    public static final int MAX_PASSES = 10;

    private final Linter linter;
    private final boolean includeUnsafe;
    private final Predicate<String> ruleSelected;

    public FixApplier(Linter linter, boolean includeUnsafe) {
        this(linter, includeUnsafe, rule -> true);
    }

    /** Applies only the fixes of rules whose ID {@code ruleSelected} accepts. */
    public FixApplier(Linter linter, boolean includeUnsafe, Predicate<String> ruleSelected) {
        this.linter = linter;
        this.includeUnsafe = includeUnsafe;
        this.ruleSelected = ruleSelected;
    }

    /** The outcome: the final text and result, the rules whose fixes were applied, and whether it converged. */
    public record Outcome(SourceText text, FileResult result, Set<String> appliedRules, boolean converged,
                          Set<String> unconvergedRules, List<List<TextEdit>> editsPerPass) {
        public boolean changed(SourceText original) {
            return !text.text().equals(original.text());
        }
    }

    public Outcome apply(SourceText original, FileResult initial) {
        SourceText text = original;
        FileResult result = initial;
        Set<String> applied = new TreeSet<>();
        List<List<TextEdit>> passes = new ArrayList<>();
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            if (result.error().isPresent()) {
                return new Outcome(text, result, applied, true, Set.of(), passes);
            }
            List<Finding> fixable = fixable(result.findings());
            if (fixable.isEmpty()) {
                return new Outcome(text, result, applied, true, Set.of(), passes);
            }
            List<TextEdit> accepted = new ArrayList<>();
            for (Finding finding : fixable) {
                List<TextEdit> edits = finding.fix().orElseThrow().edits();
                if (edits.stream().noneMatch(edit -> conflicts(edit, accepted))) {
                    accepted.addAll(edits);
                    applied.add(finding.rule().id());
                }
            }
            SourceText next = new SourceText(text.displayName(), splice(text.text(), accepted), text.charset(),
                    text.hasByteOrderMark());
            if (next.text().equals(text.text())) {
                return new Outcome(text, result, applied, true, Set.of(), passes);
            }
            passes.add(List.copyOf(accepted));
            text = next;
            result = linter.lint(text);
        }
        Set<String> stuck = new TreeSet<>();
        fixable(result.findings()).forEach(finding -> stuck.add(finding.rule().id()));
        return new Outcome(text, result, applied, stuck.isEmpty(), stuck, passes);
    }

    private List<Finding> fixable(List<Finding> findings) {
        return findings.stream()
                .filter(finding -> finding.fix().isPresent() && ruleSelected.test(finding.rule().id()))
                .filter(finding -> includeUnsafe || finding.fix().get().safety() == Fix.Safety.SAFE)
                .toList();
    }

    /**
     * Two edits conflict when their ranges overlap, or when both insert at the same offset (their order
     * would be arbitrary).
     */
    private static boolean conflicts(TextEdit edit, List<TextEdit> accepted) {
        for (TextEdit other : accepted) {
            boolean sameInsertionPoint = edit.start() == edit.end() && other.start() == other.end()
                    && edit.start() == other.start();
            if (sameInsertionPoint || new Span(edit.start(), edit.end()).overlaps(other.span())
                    || (edit.start() == edit.end() && edit.start() > other.start() && edit.start() < other.end())
                    || (other.start() == other.end() && other.start() > edit.start() && other.start() < edit.end())) {
                return true;
            }
        }
        return false;
    }

    /** Splices non-conflicting edits, last first, so earlier offsets stay valid. */
    public static String splice(String text, List<TextEdit> edits) {
        List<TextEdit> ordered = new ArrayList<>(edits);
        ordered.sort(Comparator.comparingInt(TextEdit::start).thenComparingInt(TextEdit::end).reversed());
        StringBuilder out = new StringBuilder(text);
        for (TextEdit edit : ordered) {
            out.replace(edit.start(), edit.end(), edit.replacement());
        }
        return out.toString();
    }
}
