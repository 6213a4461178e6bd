package dev.virtlint.platform;

import java.util.Optional;

/**
 * The software that will run the domain. Defaults are what Debian bookworm-backports ships (QEMU 10.0,
 * libvirt 11.3) with bookworm's OVMF 2022.11. The accelerator defaults to the domain's type ({@code kvm}
 * or {@code qemu}); the QEMU build (upstream, RHEL, Ubuntu) to the one whose machine types the domain
 * uses, so a RHEL domain is not judged against upstream's machine list.
 */
public record TargetStack(Version qemuVersion, Optional<VendorBuild> qemuBuild, Version libvirt, String ovmf,
                          Optional<Accel> accel) {
    public static final String DEFAULT_QEMU = "10.0";
    public static final String DEFAULT_LIBVIRT = "11.3.0";
    public static final String DEFAULT_OVMF = "2022.11";

    public static TargetStack defaults() {
        return new TargetStack(Version.parse(DEFAULT_QEMU), Optional.empty(), Version.parse(DEFAULT_LIBVIRT),
                DEFAULT_OVMF, Optional.empty());
    }

    public TargetStack withOvmf(String release) {
        return new TargetStack(qemuVersion, qemuBuild, libvirt, release, accel);
    }

    /** The QEMU binary for a domain using {@code machineName}: the given build, else the machine's own. */
    public QemuBinary qemuFor(String machineName) {
        VendorBuild build = qemuBuild.orElseGet(() -> MachineCatalogue.parse(machineName)
                .map(MachineType::vendorBuild).orElse(VendorBuild.UPSTREAM));
        return new QemuBinary(qemuVersion, build);
    }

    /** The libvirt version is at least {@code major.minor}; fix strategies pick elements by it. */
    public boolean libvirtAtLeast(int major, int minor) {
        return libvirt.isAtLeast(major, minor);
    }
}
