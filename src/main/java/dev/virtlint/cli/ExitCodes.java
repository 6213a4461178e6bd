package dev.virtlint.cli;

/** The exit-code contract scripts and CI rely on. */
final class ExitCodes {
    /** Nothing at or above the {@code --fail-on} threshold. */
    static final int CLEAN = 0;
    /** Findings at or above the threshold. */
    static final int FINDINGS = 1;
    /** Usage error, unreadable or malformed input, or an internal error; wins over 1. */
    static final int USAGE_OR_INPUT = 2;

    private ExitCodes() {
    }
}
