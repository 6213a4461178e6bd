package dev.virtlint.lint;

import java.util.List;
import java.util.Optional;

import dev.virtlint.rules.Finding;
import dev.virtlint.xml.XmlLoadException;

/**
 * The outcome for one input: findings sorted by position, or the load error that stopped it, or a note
 * that it was skipped (XML found while walking a directory whose root is not {@code <domain>}).
 */
public record FileResult(String displayName, List<Finding> findings, Optional<XmlLoadException> error,
                         boolean skipped) {

    public static FileResult linted(String displayName, List<Finding> findings) {
        return new FileResult(displayName, List.copyOf(findings), Optional.empty(), false);
    }

    public static FileResult failed(XmlLoadException error) {
        return new FileResult(error.displayName(), List.of(), Optional.of(error), false);
    }

    public static FileResult skipped(String displayName) {
        return new FileResult(displayName, List.of(), Optional.empty(), true);
    }
}
