package dev.virtlint.report;

import java.io.IOException;
import java.util.List;

import dev.virtlint.lint.FileResult;

/** Several reports of one run (say text on the terminal and SARIF in a file), each given every result. */
public final class Reporters implements Reporter {
    private final List<Reporter> reporters;

    public Reporters(List<Reporter> reporters) {
        this.reporters = List.copyOf(reporters);
    }

    @Override
    public void file(FileResult result) throws IOException {
        for (Reporter reporter : reporters) {
            reporter.file(result);
        }
    }

    @Override
    public void finish(Summary summary) throws IOException {
        for (Reporter reporter : reporters) {
            reporter.finish(summary);
        }
    }
}
