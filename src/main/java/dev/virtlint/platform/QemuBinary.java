package dev.virtlint.platform;

import java.util.Objects;

/** The QEMU emulator that will run the domain: its version and whose build it is (which decides its machine types). */
public record QemuBinary(Version version, VendorBuild build) {

    public QemuBinary {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(build, "build");
    }

    public static QemuBinary upstream(Version version) {
        return new QemuBinary(version, VendorBuild.UPSTREAM);
    }
}
