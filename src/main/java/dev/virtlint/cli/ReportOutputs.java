package dev.virtlint.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import dev.virtlint.report.GithubReporter;
import dev.virtlint.report.JsonReporter;
import dev.virtlint.report.Reporter;
import dev.virtlint.report.Reporters;
import dev.virtlint.report.SarifReporter;
import dev.virtlint.report.TextReporter;
import dev.virtlint.rules.RuleRegistry;

/**
 * Decides where each report goes and in what form: one reporter per --format, on the terminal or in the file its
 * -o names, text on the terminal when no --format is given. Only a text report on the terminal is coloured, honours
 * --quiet and sends its errors, notes and summary to standard error; in a file it keeps them all, uncoloured. Keeps
 * the files it opened, so that the command closes them after the summary, and also when opening a later one failed.
 */
final class ReportOutputs {
    private final PrintStream err;
    private final ColorMode color;
    private final boolean quiet;
    private final boolean verbose;
    private final List<OutputStream> files = new ArrayList<>();

    ReportOutputs(PrintStream err, ColorMode color, boolean quiet, boolean verbose) {
        this.err = err;
        this.color = color;
        this.quiet = quiet;
        this.verbose = verbose;
    }

    /** The reporter for these reports, {@code terminal} being where a report without -o goes. */
    Reporter open(List<VirtLintCommand.Report> reports, PrintStream terminal) throws IOException {
        List<VirtLintCommand.Report> wanted = new ArrayList<>(reports);
        if (wanted.isEmpty()) {
            VirtLintCommand.Report text = new VirtLintCommand.Report();
            text.format = OutputFormat.text;
            wanted.add(text);
        }
        List<Reporter> all = new ArrayList<>();
        for (VirtLintCommand.Report report : wanted) {
            PrintStream out = terminal;
            boolean toFile = report.output != null;
            if (toFile) {
                OutputStream file = new BufferedOutputStream(Files.newOutputStream(report.output));
                files.add(file);
                out = new PrintStream(file, false, StandardCharsets.UTF_8);
            }
            all.add(switch (report.format) {
                case text -> toFile ? new TextReporter(out, out, false, false, verbose)
                        : new TextReporter(out, err, color.enabled(), quiet, verbose);
                case json -> new JsonReporter(out);
                case sarif -> new SarifReporter(out, RuleRegistry.all(), VersionProvider.version());
                case github -> new GithubReporter(out);
            });
        }
        return all.size() == 1 ? all.get(0) : new Reporters(all);
    }

    void closeFiles() throws IOException {
        for (OutputStream file : files) {
            file.close();
        }
    }
}
