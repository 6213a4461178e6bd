package dev.virtlint.report;

import java.io.PrintStream;

import dev.virtlint.lint.FileResult;
import dev.virtlint.rules.Finding;
import dev.virtlint.xml.Position;

/**
 * GitHub Actions workflow commands, one per finding ({@code ::error file=…,line=…,col=…::message}), which
 * the runner turns into annotations on the pull request's diff. GitHub shows at most ten annotations of
 * each level per step, so a workflow with many findings should upload SARIF as well.
 */
public final class GithubReporter implements Reporter {
    private final PrintStream out;

    public GithubReporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void file(FileResult result) {
        for (Finding finding : result.findings()) {
            Position start = finding.start();
            Position end = finding.end();
            StringBuilder line = new StringBuilder("::").append(command(finding)).append(" file=")
                    .append(property(result.displayName())).append(",line=").append(start.line())
                    .append(",endLine=").append(end.line());
            // GitHub rejects columns on an annotation that spans lines.
            if (start.line() == end.line()) {
                line.append(",col=").append(start.column()).append(",endColumn=").append(end.column());
            }
            line.append(",title=").append(property(finding.rule().id() + " " + finding.rule().name()))
                    .append("::").append(data(finding.message()));
            out.println(line);
        }
        result.error().ifPresent(error -> out.println("::error file=" + property(result.displayName()) + ",line="
                + error.line() + ",col=" + error.column() + ",title=" + property("virt-lint: " + error.kind().label())
                + "::" + data(error.getMessage())));
    }

    @Override
    public void finish(Summary summary) {
        out.flush();
    }

    private static String command(Finding finding) {
        return switch (finding.severity()) {
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
