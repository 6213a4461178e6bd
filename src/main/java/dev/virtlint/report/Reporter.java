package dev.virtlint.report;

import java.io.IOException;

import dev.virtlint.lint.FileResult;

/** Receives results in input order as they are produced, so nothing needs to be held until the end. */
public interface Reporter {
    void file(FileResult result) throws IOException;

    void finish(Summary summary) throws IOException;
}
