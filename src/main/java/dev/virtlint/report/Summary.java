package dev.virtlint.report;

import dev.virtlint.lint.FileResult;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Severity;

/** Running totals over every input of one run. */
public final class Summary {
    private int files;
    private int skipped;
    private int failed;
    private int unwritten;
    private int errors;
    private int warnings;
    private int infos;
    private int fixed;
    private int suppressed;

    private boolean dryRun;
    private final SkippedChecks skippedChecks = new SkippedChecks();

    public void addFixed(int count) {
        fixed += count;
    }

    /** The fixes were shown (as a diff), not written: the summary says what they would fix. */
    public void dryRun() {
        dryRun = true;
    }

    public boolean isDryRun() {
        return dryRun;
    }

    /** Findings that were suppressed by writing a suppression for them into their file. */
    public void addSuppressed(int count) {
        suppressed += count;
    }

    public int suppressed() {
        return suppressed;
    }

    public int fixed() {
        return fixed;
    }

    public void add(FileResult result) {
        if (result.skipped()) {
            skipped++;
            return;
        }
        if (result.isUnwritten()) {
            unwritten++;
        } else if (result.error().isPresent()) {
            failed++;
            return;
        }
        files++;
        for (Finding finding : result.findings()) {
            if (SkippedChecks.isSkippedChecks(finding)) {
                skippedChecks.add(result.displayName(), finding);
                continue;
            }
            switch (finding.severity()) {
                case ERROR -> errors++;
                case WARNING -> warnings++;
                case INFO -> infos++;
            }
        }
    }

    public int files() {
        return files;
    }

    public int skipped() {
        return skipped;
    }

    public int failed() {
        return failed;
    }

    /** Files that were linted but whose fixes could not be written. */
    public int unwritten() {
        return unwritten;
    }

    /** Every finding reported, VL901 once: the sum of the three counts the summary line shows beside it. */
    public int findings() {
        return errors() + warnings() + infos();
    }

    /** VL901 of every file, merged: reported once per run, so counted once. */
    public SkippedChecks skippedChecks() {
        return skippedChecks;
    }

    public int errors() {
        return errors + countedOnce(Severity.ERROR);
    }

    public int warnings() {
        return warnings + countedOnce(Severity.WARNING);
    }

    public int infos() {
        return infos + countedOnce(Severity.INFO);
    }

    private int countedOnce(Severity severity) {
        return !skippedChecks.isEmpty() && skippedChecks.severity() == severity ? 1 : 0;
    }
}
