package dev.virtlint.cli;

import java.util.Optional;

import dev.virtlint.rules.Severity;

/** The lowest severity that makes the run exit 1. */
enum FailOn {
    error(Severity.ERROR), warning(Severity.WARNING), info(Severity.INFO), never(null);

    private final Severity threshold;

    FailOn(Severity threshold) {
        this.threshold = threshold;
    }

    Optional<Severity> threshold() {
        return Optional.ofNullable(threshold);
    }
}
