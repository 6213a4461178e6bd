package dev.virtlint.platform;

/** Who defined a machine type, or who built a QEMU binary: downstreams carry their own machine types. */
public enum VendorBuild {
    UPSTREAM,
    /** RHEL / CentOS Stream qemu-kvm: {@code pc-q35-rhelX.Y.0}; upstream types are compiled out. */
    RHEL,
    /** Ubuntu's qemu packages: {@code pc-q35-<codename>} next to the upstream types. */
    UBUNTU
}
