package dev.virtlint.rules;

import java.util.Locale;

/** Ordered from most to least severe; {@code --fail-on} compares against this order. */
public enum Severity {
    ERROR, WARNING, INFO;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Severity threshold) {
        return compareTo(threshold) <= 0;
    }
}
