package dev.virtlint.cli;

import java.nio.file.Path;

import dev.virtlint.xml.XmlLoadException;

/**
 * One thing to lint: a file named on the command line, a file found in a directory (skipped unless its
 * root is {@code <domain>}), standard input, a domain defined on a libvirt connection, or a path that
 * could not be walked.
 */
sealed interface Input {
    record NamedFile(Path path) implements Input {
    }

    record FoundFile(Path path) implements Input {
    }

    record StandardInput(String displayName) implements Input {
    }

    record Unreadable(XmlLoadException error) implements Input {
    }

    /** A domain defined on a libvirt connection, as its inactive XML. */
    record LibvirtDomain(String displayName, String xml) implements Input {
    }
}
