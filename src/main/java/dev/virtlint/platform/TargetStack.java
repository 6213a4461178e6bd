package dev.virtlint.platform;

import java.util.Optional;

/**
 * The software that will run the domain. Defaults are what Debian bookworm-backports ships (QEMU 10.0,
 * libvirt 11.3) with bookworm's OVMF 2022.11. The accelerator defaults to the domain's type ({@code kvm}
 * or {@code qemu}); the QEMU build (upstream, RHEL, Ubuntu) to the one whose machine types the domain
 * uses, so a RHEL domain is not judged against upstream's machine list.
 *
 * @param qemuAssumed the QEMU version is virt-lint's default, not one the run was given or found on a host: a domain
 *                    naming a newer upstream machine type is then checked against the release that has it
 */
public record TargetStack(Version qemuVersion, Optional<VendorBuild> qemuBuild, Version libvirt, String ovmf,
                          Optional<Accel> accel, boolean qemuAssumed) {
    public static final String DEFAULT_QEMU = "10.0";
    public static final String DEFAULT_LIBVIRT = "11.3.0";
    public static final String DEFAULT_OVMF = "2022.11";

    /** A stack whose QEMU version is known, as tests and library users give it. */
    public TargetStack(Version qemuVersion, Optional<VendorBuild> qemuBuild, Version libvirt, String ovmf,
                       Optional<Accel> accel) {
        this(qemuVersion, qemuBuild, libvirt, ovmf, accel, false);
    }

    /** virt-lint's defaults, the QEMU version among them assumed. */
    public static TargetStack defaults() {
        return new TargetStack(Version.parse(DEFAULT_QEMU), Optional.empty(), Version.parse(DEFAULT_LIBVIRT),
                DEFAULT_OVMF, Optional.empty(), true);
    }

    public TargetStack withOvmf(String release) {
        return new TargetStack(qemuVersion, qemuBuild, libvirt, release, accel, qemuAssumed);
    }

    /**
     * The QEMU binary for a domain using {@code machineName}: the given build, else the machine's own; the given
     * version, else the assumed one raised to what the machine type proves. A definition naming {@code pc-q35-11.1}
     * was written for QEMU 11.1 or later, so it is checked against 11.1, or against the newest release virt-lint
     * knows where the type is newer still (such a type is then reported as one no release registers).
     */
    public QemuBinary qemuFor(String machineName) {
        VendorBuild build = qemuBuild.orElseGet(() -> MachineCatalogue.parse(machineName)
                .map(MachineType::vendorBuild).orElse(VendorBuild.UPSTREAM));
        if (!qemuAssumed || build != VendorBuild.UPSTREAM) {
            return new QemuBinary(qemuVersion, build);
        }
        Version implied = MachineCatalogue.firstRegisteredIn(machineName)
                .map(first -> first.compareTo(MachineCatalogue.NEWEST_UPSTREAM_RELEASE) > 0
                        ? MachineCatalogue.NEWEST_UPSTREAM_RELEASE : first.series())
                .filter(release -> release.compareTo(qemuVersion) > 0)
                .orElse(qemuVersion);
        return new QemuBinary(implied, build);
    }

    /** The libvirt version is at least {@code major.minor}; fix strategies pick elements by it. */
    public boolean libvirtAtLeast(int major, int minor) {
        return libvirt.isAtLeast(major, minor);
    }
}
