package dev.virtlint.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The process streams, injected so the CLI can run in-process under test. */
record Streams(InputStream in, PrintStream out, PrintStream err) {
}
