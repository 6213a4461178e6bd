package dev.virtlint.platform;

import java.util.Optional;

/**
 * A value the platform derived, with where it came from in words a finding can quote ("EPYC under TCG",
 * "the host's vendor under KVM") — or, when it could not be derived, why not.
 */
public record Resolved<T>(Optional<T> value, String source) {

    public static <T> Resolved<T> of(T value, String source) {
        return new Resolved<>(Optional.of(value), source);
    }

    public static <T> Resolved<T> unknown(String why) {
        return new Resolved<>(Optional.empty(), why);
    }

    public boolean isKnown() {
        return value.isPresent();
    }
}
