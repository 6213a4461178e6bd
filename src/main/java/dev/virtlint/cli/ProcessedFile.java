package dev.virtlint.cli;

import java.util.Optional;

import dev.virtlint.lint.FileResult;
import dev.virtlint.rules.Severity;

/**
 * What became of one input on its worker thread: the result to report, the bytes that belong on standard output
 * (a diff, or fixed XML from standard input), whether the file changed, how many findings were fixed or
 * suppressed, and the severity that makes the exit status 1 for it. Standard output is carried, not printed, so
 * that it comes out in input order.
 */
record ProcessedFile(FileResult result, byte[] standardOutput, boolean changed, int fixed, int suppressed,
                     Optional<Severity> threshold) {
    /** A file left as it is: nothing for standard output, nothing fixed or suppressed. */
    static ProcessedFile of(FileResult result, Optional<Severity> threshold) {
        return new ProcessedFile(result, new byte[0], false, 0, 0, threshold);
    }
}
