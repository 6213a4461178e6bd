package dev.virtlint.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.Linter;

/**
 * Decides how each kind of input is read and how strictly. A file named on the command line, standard input and a
 * libvirt domain must be a domain, since someone chose them (a named file need not with --skip-non-domain, for
 * callers that pass every *.xml); a file found in a directory that is not one is skipped, as a walk meets other
 * XML too. A path that could not be walked fails with the reason found then.
 */
final class InputLinter {
    private final boolean namedFilesMustBeDomains;
    private final InputStream standardInput;

    InputLinter(boolean namedFilesMustBeDomains, InputStream standardInput) {
        this.namedFilesMustBeDomains = namedFilesMustBeDomains;
        this.standardInput = standardInput;
    }

    FileResult lint(Linter linter, Input input) {
        if (input instanceof Input.NamedFile file) {
            return linter.lint(file.path(), namedFilesMustBeDomains);
        }
        if (input instanceof Input.FoundFile file) {
            return linter.lint(file.path(), false);
        }
        if (input instanceof Input.StandardInput stdin) {
            return linter.lint(stdin.displayName(), standardInput);
        }
        if (input instanceof Input.LibvirtDomain domain) {
            return linter.lint(domain.displayName(),
                    new ByteArrayInputStream(domain.xml().getBytes(StandardCharsets.UTF_8)));
        }
        return FileResult.failed(((Input.Unreadable) input).error());
    }
}
