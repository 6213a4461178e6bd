package dev.virtlint.lint;

import java.util.List;
import java.util.Optional;

import dev.virtlint.rules.Finding;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.XmlLoadException;

/**
 * The outcome for one input: findings sorted by position, or the load error that stopped it, or a note
 * that it was skipped (XML found while walking a directory whose root is not {@code <domain>}). A linted
 * result keeps the text it was computed from, for the fixer; one whose fixes could not be written keeps its
 * findings and carries the write error as well.
 */
public record FileResult(String displayName, Optional<SourceText> source, List<Finding> findings,
                         Optional<XmlLoadException> error, boolean skipped) {

    public static FileResult linted(SourceText source, List<Finding> findings) {
        return new FileResult(source.displayName(), Optional.of(source), List.copyOf(findings), Optional.empty(),
                false);
    }

    public static FileResult failed(XmlLoadException error) {
        return new FileResult(error.displayName(), Optional.empty(), List.of(), Optional.of(error), false);
    }

    /** The file was read and linted, but its fixes could not be written: its findings stand, and so does the error. */
    public FileResult unwritten(XmlLoadException writeError) {
        return new FileResult(displayName, source, findings, Optional.of(writeError), false);
    }

    /** Read and linted, then not written: the findings are real, unlike those of a file that could not be read. */
    public boolean isUnwritten() {
        return error.isPresent() && source.isPresent();
    }

    public static FileResult skipped(String displayName) {
        return new FileResult(displayName, Optional.empty(), List.of(), Optional.empty(), true);
    }
}
