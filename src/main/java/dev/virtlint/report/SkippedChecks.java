package dev.virtlint.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleMeta;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.meta.ChecksSkipped;

/**
 * VL901 over a whole run. Every file of a run usually lacks the same host facts, so one note per file repeated the
 * same long line for each of them (and used up GitHub's ten annotations per step): the text, GitHub and SARIF
 * reports say it once, merged here; JSON keeps each file's finding and adds this merge to its summary.
 */
public final class SkippedChecks {
    /** One fact over the run: every rule that lacked it, in how many files, and what the host roots lacked. */
    public record Merged(String fact, Set<String> rules, int files, Set<String> hostRootLacks, boolean hostFact) {
    }

    private final Map<String, Merged> byFact = new LinkedHashMap<>();
    private final List<String> files = new ArrayList<>();
    private Finding first;
    private Severity severity = Severity.INFO;
    private boolean someWithoutHostRoot;

    public static boolean isSkippedChecks(Finding finding) {
        return finding.rule().id().equals(ChecksSkipped.ID);
    }

    void add(String displayName, Finding finding) {
        if (first == null) {
            first = finding;
            severity = finding.severity();
        } else if (finding.severity().atLeast(severity)) {
            severity = finding.severity();
        }
        files.add(displayName);
        someWithoutHostRoot |= !Boolean.TRUE.equals(finding.data().get(ChecksSkipped.HOST_ROOT));
        if (!(finding.data().get(ChecksSkipped.GAPS) instanceof List<?> gaps)) {
            return;
        }
        for (Object item : gaps) {
            if (item instanceof ChecksSkipped.Gap gap) {
                Merged known = byFact.get(gap.fact());
                Set<String> rules = new TreeSet<>(gap.rules());
                Set<String> lacks = new TreeSet<>();
                if (!gap.hostRootLacks().isEmpty()) {
                    lacks.add(gap.hostRootLacks());
                }
                if (known != null) {
                    rules.addAll(known.rules());
                    lacks.addAll(known.hostRootLacks());
                }
                byFact.put(gap.fact(), new Merged(gap.fact(), rules, known == null ? 1 : known.files() + 1, lacks,
                        gap.hostFact()));
            }
        }
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    /** The files whose checks were skipped, in input order. */
    public List<String> files() {
        return List.copyOf(files);
    }

    /** VL901 as the run's configuration reports it. */
    public RuleMeta rule() {
        return first.rule();
    }

    /** The most severe of the merged findings (VL901's severity may be configured). */
    public Severity severity() {
        return severity;
    }

    /** With a single file the note is that file's finding, which reporters show at its position. */
    public Optional<Finding> onlyFinding() {
        return files.size() == 1 ? Optional.of(first) : Optional.empty();
    }

    public List<Merged> merged() {
        return List.copyOf(byFact.values());
    }

    /** "not checked in 36 of 37 files — VL402 (36 files): the fact; …. Give --host-root …". */
    public String message(int filesLinted) {
        if (files.size() == 1) {
            return first.message();
        }
        List<String> parts = new ArrayList<>();
        boolean lacksFiles = false;
        for (Merged merged : byFact.values()) {
            String rules = String.join(", ", merged.rules()) + (merged.files() == files.size() ? ""
                    : " (" + merged.files() + " files)");
            parts.add(ChecksSkipped.part(List.of(rules), merged.fact(), String.join(", ", merged.hostRootLacks())));
            lacksFiles |= !merged.hostRootLacks().isEmpty();
        }
        String where = files.size() == filesLinted ? "in all " + filesLinted + " files"
                : "in " + files.size() + " of " + filesLinted + " files";
        return "not checked " + where + " — " + String.join("; ", parts)
                + ChecksSkipped.advice(someWithoutHostRoot && byFact.values().stream().anyMatch(Merged::hostFact),
                        lacksFiles);
    }
}
