package dev.virtlint.platform;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A machine type name resolved to what QEMU does with it. Obtain instances from {@link MachineCatalogue}.
 *
 * @param writtenName             the name as the domain XML spells it (may be an alias such as {@code q35})
 * @param concreteName            the versioned type QEMU instantiates ({@code pc-q35-10.0} for {@code q35} on 10.0)
 * @param alias                   the written name was an alias
 * @param family                  Q35, I440FX or OTHER
 * @param vendorBuild             whose type it is: upstream, RHEL or Ubuntu
 * @param baseVersion             the upstream machine-type state it carries; empty for OTHER
 * @param baseVersionConfirmed    false where the base comes from release notes rather than source (knowledge file §10)
 * @param forcedHostPhysBits      the type forces {@code host-phys-bits=on} on every vCPU (RHEL types, Ubuntu -hpb types)
 * @param forcedHostPhysBitsLimit the {@code host-phys-bits-limit} it forces, 0 for none (RHEL: 48)
 */
public record MachineType(
        String writtenName,
        String concreteName,
        boolean alias,
        MachineFamily family,
        VendorBuild vendorBuild,
        Optional<Version> baseVersion,
        boolean baseVersionConfirmed,
        boolean forcedHostPhysBits,
        int forcedHostPhysBitsLimit) {

    public MachineType {
        Objects.requireNonNull(writtenName, "writtenName");
        Objects.requireNonNull(concreteName, "concreteName");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(vendorBuild, "vendorBuild");
        Objects.requireNonNull(baseVersion, "baseVersion");
        if (family.isPc() != baseVersion.isPresent()) {
            throw new IllegalArgumentException("pc and q35 types need a base version, other types have none: " + concreteName);
        }
        if (forcedHostPhysBitsLimit < 0 || (!forcedHostPhysBits && forcedHostPhysBitsLimit != 0)) {
            throw new IllegalArgumentException("a host-phys-bits limit needs forced host-phys-bits: " + concreteName);
        }
    }

    /** The compat flags of §1.1, or empty for machine types whose memory layout virt-lint does not predict. */
    public Optional<LayoutFlags> layoutFlags() {
        return baseVersion.map(base -> LayoutFlags.forBase(family, base));
    }

    /** The same machine type, as reached through the alias {@code aliasName}. */
    MachineType reachedThroughAlias(String aliasName) {
        return new MachineType(aliasName, concreteName, true, family, vendorBuild, baseVersion, baseVersionConfirmed,
                forcedHostPhysBits, forcedHostPhysBitsLimit);
    }

    /**
     * The intel-iommu {@code aw-bits} a guest gets without {@code <driver aw_bits=…>} (§4.1): QEMU 10.0 raised the
     * device default from 39 to 48 and kept 39 for machine types up to 9.1 through {@code pc_compat_9_1}.
     * Empty where there is no answer: intel-iommu exists only on q35 (QEMU 10.0.2 refuses it on i440fx as not a
     * dynamic sysbus device), and RHEL's compat arrays for QEMU 10 builds were not read.
     */
    public OptionalInt intelIommuDefaultAwBits(Version qemuBinary) {
        if (family != MachineFamily.Q35) {
            return OptionalInt.empty();
        }
        if (!qemuBinary.isAtLeast(10, 0)) {
            return OptionalInt.of(39);
        }
        if (vendorBuild == VendorBuild.RHEL) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(baseVersion.orElseThrow().isAtLeast(9, 2) ? 48 : 39);
    }

    /**
     * The virtio-iommu {@code aw-bits} default (§4.2). Before QEMU 9.0 the property did not exist and the device
     * accepted the full 64-bit input range. Since 9.0 q35 types from 9.0 on get 39; older q35 types
     * ({@code hw_compat_8_2}) and i440fx keep 64. Empty for RHEL on 9.0+ (compat arrays not read) and OTHER types.
     */
    public OptionalInt virtioIommuDefaultAwBits(Version qemuBinary) {
        if (!family.isPc()) {
            return OptionalInt.empty();
        }
        if (!qemuBinary.isAtLeast(9, 0)) {
            return OptionalInt.of(64);
        }
        if (vendorBuild == VendorBuild.RHEL) {
            return OptionalInt.empty();
        }
        boolean q35From90 = family == MachineFamily.Q35 && baseVersion.orElseThrow().isAtLeast(9, 0);
        return OptionalInt.of(q35From90 ? 39 : 64);
    }
}
