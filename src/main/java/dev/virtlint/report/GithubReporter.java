package dev.virtlint.report;

import java.io.PrintStream;

import dev.virtlint.lint.FileResult;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Position;

/**
 * GitHub Actions workflow commands, one per finding ({@code ::error file=…,line=…,col=…::message}), which
 * the runner turns into annotations on the pull request's diff. GitHub shows at most ten annotations of
 * each level per step, so a workflow with many findings should upload SARIF as well, and VL901 is one notice
 * for the whole run.
 */
public final class GithubReporter implements Reporter {
    private final PrintStream out;

    public GithubReporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void file(FileResult result) {
        for (Finding finding : result.findings()) {
            if (!SkippedChecks.isSkippedChecks(finding)) {
                out.println(annotation(result.displayName(), finding));
            }
        }
        result.error().ifPresent(error -> out.println("::error file=" + property(result.displayName()) + ",line="
                + error.line() + ",col=" + error.column() + ",title=" + property("virt-lint: " + error.kind().label())
                + "::" + data(error.getMessage())));
    }

    private static String annotation(String displayName, Finding finding) {
        Position start = finding.start();
        Position end = finding.end();
        StringBuilder line = new StringBuilder("::").append(command(finding.severity())).append(" file=")
                .append(property(displayName)).append(",line=").append(start.line())
                .append(",endLine=").append(end.line());
        // GitHub rejects columns on an annotation that spans lines.
        if (start.line() == end.line()) {
            line.append(",col=").append(start.column()).append(",endColumn=").append(end.column());
        }
        return line.append(",title=").append(property(finding.rule().id() + " " + finding.rule().name()))
                .append("::").append(data(finding.message())).toString();
    }

    /** VL901 once per run: an annotation on the file when there is one, else on the run. */
    @Override
    public void finish(Summary summary) {
        SkippedChecks skipped = summary.skippedChecks();
        if (!skipped.isEmpty()) {
            out.println(skipped.onlyFinding().map(finding -> annotation(skipped.files().get(0), finding))
                    .orElseGet(() -> "::" + command(skipped.severity()) + " title="
                            + property(skipped.rule().id() + " " + skipped.rule().name()) + "::"
                            + data(skipped.message(summary.files()))));
        }
        out.flush();
    }

    private static String command(Severity severity) {
        return switch (severity) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFO -> "notice";
        };
    }

    /** The escaping the runner undoes in a command's message. */
    static String data(String text) {
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** Property values also escape the characters that separate properties. */
    static String property(String text) {
        return data(text).replace(":", "%3A").replace(",", "%2C");
    }
}
