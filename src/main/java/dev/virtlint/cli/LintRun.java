package dev.virtlint.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.OrderedParallel;
import dev.virtlint.report.Reporter;
import dev.virtlint.report.Summary;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Severity;

/**
 * Runs the planned inputs and decides the exit status. Each input is linted, and rewritten when asked, on a worker
 * thread; what it puts on standard output and its report come out in input order, then the summary. The status is
 * 2 when any input could not be read or written, which wins; with --diff, 1 when there is a diff; otherwise 1 when
 * a file has a finding at or above its --fail-on severity, which its own configuration may set.
 */
final class LintRun {
    private final InputLinter inputLinter;
    private final FileRewriter rewriter;
    private final PrintStream standardOutput;
    private final Reporter reporter;
    private final boolean diff;
    private final Summary summary = new Summary();
    private boolean failed;
    private boolean findingsAtThreshold;
    private boolean anyDiff;

    LintRun(InputLinter inputLinter, FileRewriter rewriter, PrintStream standardOutput, Reporter reporter,
            boolean diff) {
        this.inputLinter = inputLinter;
        this.rewriter = rewriter;
        this.standardOutput = standardOutput;
        this.reporter = reporter;
        this.diff = diff;
        if (diff) {
            summary.dryRun();
        }
    }

    /** Lints the plan with {@code jobs} threads, reports the summary, and returns the exit status. */
    int run(List<LintSetup.PlannedInput> plan, int jobs) throws IOException {
        OrderedParallel.run(plan, jobs, this::process, this::print);
        reporter.finish(summary);
        if (failed) {
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (diff) {
            return anyDiff ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
        }
        return findingsAtThreshold ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
    }

    /**
     * One input, start to finish, on a worker thread: lint, and fix, diff or suppress when asked. What belongs
     * on standard output (a diff, or fixed XML from standard input) is returned, not printed, so that
     * {@link #print} prints it in input order.
     */
    private ProcessedFile process(LintSetup.PlannedInput planned) {
        LintSetup.Profile profile = planned.profile();
        return rewriter.rewrite(profile, planned.input(), inputLinter.lint(profile.linter(), planned.input()));
    }

    /** One processed input, on the calling thread in input order: its output, its report, its share of the status. */
    private void print(ProcessedFile processed) {
        FileResult result = processed.result();
        try {
            standardOutput.write(processed.standardOutput());
            reporter.file(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        anyDiff |= processed.changed();
        summary.addFixed(processed.fixed());
        summary.addSuppressed(processed.suppressed());
        summary.add(result);
        failed |= result.error().isPresent();
        findingsAtThreshold |= reaches(result, processed.threshold());
    }

    private static boolean reaches(FileResult result, Optional<Severity> threshold) {
        if (threshold.isEmpty()) {
            return false;
        }
        for (Finding finding : result.findings()) {
            if (finding.severity().atLeast(threshold.get())) {
                return true;
            }
        }
        return false;
    }
}
