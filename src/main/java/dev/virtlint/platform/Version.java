package dev.virtlint.platform;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QEMU-style version number: {@code major.minor[.micro]}, used both for QEMU binaries ("10.0.2") and for the
 * upstream state a machine type carries ("7.1", "4.0.1").
 */
public record Version(int major, int minor, int micro) implements Comparable<Version> {

    private static final Pattern SYNTAX = Pattern.compile("(0|[1-9]\\d{0,4})\\.(0|[1-9]\\d{0,4})(?:\\.(0|[1-9]\\d{0,4}))?");

    public Version {
        if (major < 0 || minor < 0 || micro < 0) {
            throw new IllegalArgumentException("version components must not be negative: " + major + "." + minor + "." + micro);
        }
    }

    public static Version of(int major, int minor) {
        return new Version(major, minor, 0);
    }

    /** Parses "10.0", "10.0.2" or "7.1"; throws {@link IllegalArgumentException} for anything else. */
    public static Version parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("not a version number: '" + text + "'"));
    }

    public static Optional<Version> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = SYNTAX.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int micro = matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3));
        return Optional.of(new Version(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), micro));
    }

    /** True if this version is at least {@code major.minor} (micro ignored, so 7.1.0 and 7.1.3 both qualify for 7.1). */
    public boolean isAtLeast(int major, int minor) {
        return compareMajorMinor(major, minor) >= 0;
    }

    /** True if {@code major.minor} of this version is at most the given one (so 4.0.1 is "at most 4.0"). */
    public boolean isAtMost(int major, int minor) {
        return compareMajorMinor(major, minor) <= 0;
    }

    /** The release series this version belongs to: 10.0.2 becomes 10.0. Machine types never change within a series. */
    public Version series() {
        return micro == 0 ? this : of(major, minor);
    }

    private int compareMajorMinor(int otherMajor, int otherMinor) {
        int byMajor = Integer.compare(major, otherMajor);
        return byMajor != 0 ? byMajor : Integer.compare(minor, otherMinor);
    }

    @Override
    public int compareTo(Version other) {
        int byMajorMinor = compareMajorMinor(other.major, other.minor);
        return byMajorMinor != 0 ? byMajorMinor : Integer.compare(micro, other.micro);
    }

    // Written out rather than generated: a record's generated equals and hashCode are bootstrapped through
    // method handles on first use, which costs a short CLI run about 15 ms (see bench/run.py).
    @Override
    public boolean equals(Object other) {
        return other instanceof Version version && major == version.major && minor == version.minor
                && micro == version.micro;
    }

    @Override
    public int hashCode() {
        return (major * 31 + minor) * 31 + micro;
    }

    @Override
    public String toString() {
        return micro == 0 ? major + "." + minor : major + "." + minor + "." + micro;
    }
}
