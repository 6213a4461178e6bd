package dev.virtlint.platform;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Who defined a machine type, or who built a QEMU binary: downstreams carry their own machine types. */
public enum VendorBuild {
    UPSTREAM,
    /** RHEL / CentOS Stream qemu-kvm: {@code pc-q35-rhelX.Y.0}; upstream types are compiled out. */
    RHEL,
    /** Ubuntu's qemu packages: {@code pc-q35-<codename>} next to the upstream types. */
    UBUNTU;

    /** The package QEMU names after its version: {@code 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)}. */
    private static final Pattern PACKAGE = Pattern.compile("^\\d+\\.\\d+(?:\\.\\d+)? \\(([^)]*)\\)");
    private static final Pattern RHEL_RELEASE = Pattern.compile("\\.el\\d+");
    private static final Pattern FEDORA_RELEASE = Pattern.compile("\\.fc\\d+");

    /**
     * Whose build a QEMU is, from its version as {@code qemu-system-x86_64 --version} prints it with the package it
     * came from: Ubuntu's ({@code 1:8.2.2+ds-0ubuntu1.4}), RHEL's or CentOS Stream's ({@code qemu-kvm-9.0.0-10.el9}),
     * or a distribution that builds upstream's machine types unchanged (Debian's {@code 1:10.0.2+ds-2+deb13u1},
     * Fedora's {@code qemu-9.1.2-3.fc41}). Empty without a package (a build from source, or a capture that kept only
     * the number) and for other distributions, whose machine types virt-lint does not know.
     */
    public static Optional<VendorBuild> ofQemuVersion(String versionText) {
        Matcher match = PACKAGE.matcher(versionText);
        if (!match.find()) {
            return Optional.empty();
        }
        String packaged = match.group(1);
        if (packaged.toLowerCase(Locale.ROOT).contains("ubuntu")) {
            return Optional.of(UBUNTU);
        }
        if (RHEL_RELEASE.matcher(packaged).find()) {
            return Optional.of(RHEL);
        }
        if (packaged.startsWith("Debian ") || FEDORA_RELEASE.matcher(packaged).find()) {
            return Optional.of(UPSTREAM);
        }
        return Optional.empty();
    }
}
