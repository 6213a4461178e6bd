package dev.virtlint.hook;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the hook does with a guest it could not check: an internal error, a timeout, a configuration it cannot
 * read.
 */
public enum FailureMode {
    /** Log why and let the guest start: a broken virt-lint must not keep a host's guests down. */
    FAIL_OPEN("fail-open"),
    /** Refuse the start: for hosts where an unchecked guest is worse than one that does not start. */
    FAIL_CLOSED("fail-closed");

    private final String word;

    FailureMode(String word) {
        this.word = word;
    }

    /** As the configuration and the command line spell it. */
    public String word() {
        return word;
    }

    public static Optional<FailureMode> parse(String text) {
        return Arrays.stream(values()).filter(mode -> mode.word.equals(text)).findFirst();
    }
}
