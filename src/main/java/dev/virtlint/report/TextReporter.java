package dev.virtlint.report;

import java.io.PrintStream;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.Linter;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Position;

/**
 * {@code file:line:col: severity ID name: message}, one finding per line, the form compilers use so that
 * editors and terminals make the location clickable. Load errors go to the error stream.
 */
public final class TextReporter implements Reporter {
    private static final String RESET = "\u001B[0m";
    private static final String BOLD = "\u001B[1m";
    private static final String DIM = "\u001B[2m";

    private final PrintStream out;
    private final PrintStream err;
    private final boolean color;
    private final boolean quiet;
    private final boolean verbose;

    public TextReporter(PrintStream out, PrintStream err, boolean color, boolean quiet, boolean verbose) {
        this.out = out;
        this.err = err;
        this.color = color;
        this.quiet = quiet;
        this.verbose = verbose;
    }

    @Override
    public void file(FileResult result) {
        if (result.error().isPresent() && !result.isUnwritten()) {
            err.println(result.error().get().oneLine());
            return;
        }
        if (result.skipped()) {
            if (verbose) {
                err.println(result.displayName() + ": skipped: the root element is not <domain>");
            }
            return;
        }
        for (Finding finding : result.findings()) {
            if (!SkippedChecks.isSkippedChecks(finding)) {
                out.println(line(result.displayName(), finding));
            }
        }
        // Every finding of a domain whose machine type raised the assumed QEMU carries the same assumption.
        result.findings().stream().map(finding -> finding.data().get(Linter.QEMU_VERSION_ASSUMED))
                .filter(String.class::isInstance).findFirst().filter(assumption -> !quiet)
                .ifPresent(assumption -> err.println("virt-lint: note: " + result.displayName() + ": " + assumption));
        // After the findings it failed to fix, so that the last word on the file is that it is unchanged.
        result.error().ifPresent(error -> err.println(error.oneLine()));
    }

    private String line(String displayName, Finding finding) {
        Position at = finding.start();
        String location = displayName + ":" + at.line() + ":" + at.column() + ":";
        return paint(BOLD, location) + " " + paint(colorOf(finding.severity()), finding.severity().label()) + " "
                + paint(BOLD, finding.rule().id()) + " " + paint(DIM, finding.rule().name()) + ": " + finding.message()
                + fixHint(finding);
    }

    @Override
    public void finish(Summary summary) {
        SkippedChecks skipped = summary.skippedChecks();
        if (!skipped.isEmpty()) {
            out.println(skipped.onlyFinding().map(finding -> line(skipped.files().get(0), finding))
                    .orElseGet(() -> paint(colorOf(skipped.severity()), skipped.severity().label()) + " "
                            + paint(BOLD, skipped.rule().id()) + " " + paint(DIM, skipped.rule().name()) + ": "
                            + skipped.message(summary.files())));
        }
        if (quiet) {
            return;
        }
        StringBuilder line = new StringBuilder();
        if (summary.findings() == 0) {
            line.append("No problems found in ").append(plural(summary.files(), "file"));
        } else {
            line.append("Found ").append(plural(summary.findings(), "problem")).append(" (")
                    .append(plural(summary.errors(), "error")).append(", ")
                    .append(plural(summary.warnings(), "warning")).append(", ")
                    .append(plural(summary.infos(), "info")).append(") in ")
                    .append(plural(summary.files(), "file"));
        }
        if (summary.fixed() > 0) {
            line.append(summary.isDryRun() ? "; the diff would fix " : "; fixed ").append(plural(summary.fixed(),
                    "problem")).append(summary.isDryRun() ? " (nothing written)" : "");
        }
        if (summary.suppressed() > 0) {
            line.append("; suppressed ").append(plural(summary.suppressed(), "problem")).append(" in <metadata>");
        }
        if (summary.failed() > 0) {
            line.append("; ").append(plural(summary.failed(), "file")).append(" could not be read");
        }
        if (summary.unwritten() > 0) {
            line.append("; the fixes of ").append(plural(summary.unwritten(), "file")).append(" could not be written");
        }
        if (summary.skipped() > 0) {
            line.append("; skipped ").append(plural(summary.skipped(), "XML file"))
                    .append(" that ").append(summary.skipped() == 1 ? "is" : "are").append(" not a domain");
        }
        err.println(line.append('.'));
    }

    private String fixHint(Finding finding) {
        if (finding.fix().isEmpty()) {
            return "";
        }
        boolean safe = finding.fix().get().safety() == Fix.Safety.SAFE;
        return " " + paint(DIM, safe ? "[fix available]" : "[unsafe fix available: --unsafe-fixes]");
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private static String colorOf(Severity severity) {
        return switch (severity) {
            case ERROR -> "\u001B[1;31m";
            case WARNING -> "\u001B[1;33m";
            case INFO -> "\u001B[1;36m";
        };
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }
}
