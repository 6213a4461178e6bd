package dev.virtlint.lint;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

import dev.virtlint.firmware.DeclaredDevices;
import dev.virtlint.host.CpuInfo;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.schema.DomainSchema;

/**
 * What a file is checked against: the target stack, the host CPU, the host facts if any, the BAR sizes a
 * repository declares for host devices, and the directory of libvirt's RELAX NG schemas.
 *
 * @param hostName       the host's name where the run checks a fleet of captured hosts ({@code hosts:} in the
 *                       configuration): findings that hold on some of them name the hosts
 * @param libvirtSchemas where {@code domain.rng} and the files it includes are: the installed libvirt's by default
 * @param ovmfAssumed    the stack's OVMF release is virt-lint's default, not one the run was given or found on a
 *                       host: a UEFI guest is then checked under every span of releases virt-lint models (OvmfReleaseSpan)
 */
public record LintEnvironment(TargetStack stack, HostCpu hostCpu, Optional<HostFacts> hostFacts,
                              Optional<String> hostName, DeclaredDevices declaredDevices, Path libvirtSchemas,
                              boolean ovmfAssumed) {

    /** A stack whose OVMF release is known, as tests and library users give it. */
    public LintEnvironment(TargetStack stack, HostCpu hostCpu, Optional<HostFacts> hostFacts) {
        this(stack, hostCpu, hostFacts, Optional.empty(), DeclaredDevices.NONE, DomainSchema.INSTALLED, false);
    }

    public static LintEnvironment defaults() {
        return new LintEnvironment(TargetStack.defaults(), HostCpu.unknown(), Optional.empty());
    }

    /** The host CPU as host facts describe it: CPUID vendor string and physical address bits. */
    public static LintEnvironment of(TargetStack stack, Optional<HostFacts> facts) {
        Optional<CpuInfo> cpu = facts.flatMap(HostFacts::cpu);
        HostCpu hostCpu = new HostCpu(cpu.flatMap(CpuInfo::vendorId),
                cpu.flatMap(CpuInfo::physBits).map(OptionalInt::of).orElse(OptionalInt.empty()));
        return new LintEnvironment(stack, hostCpu, facts);
    }

    public LintEnvironment named(String name) {
        return new LintEnvironment(stack, hostCpu, hostFacts, Optional.of(name), declaredDevices, libvirtSchemas,
                ovmfAssumed);
    }

    public LintEnvironment withDeclaredDevices(DeclaredDevices devices) {
        return new LintEnvironment(stack, hostCpu, hostFacts, hostName, devices, libvirtSchemas, ovmfAssumed);
    }

    public LintEnvironment withLibvirtSchemas(Path directory) {
        return new LintEnvironment(stack, hostCpu, hostFacts, hostName, declaredDevices, directory, ovmfAssumed);
    }

    /** This environment on a host CPU known without host facts (from a libvirt connection, or given by hand). */
    public LintEnvironment withHostCpu(HostCpu cpu) {
        return new LintEnvironment(stack, cpu, hostFacts, hostName, declaredDevices, libvirtSchemas, ovmfAssumed);
    }

    /** This environment with the OVMF release unknown, so that a UEFI guest is checked under every span of releases. */
    public LintEnvironment withOvmfAssumed() {
        return new LintEnvironment(stack, hostCpu, hostFacts, hostName, declaredDevices, libvirtSchemas, true);
    }

    /** This environment with OVMF {@code release}, known. */
    public LintEnvironment withOvmf(String release) {
        return new LintEnvironment(stack.withOvmf(release), hostCpu, hostFacts, hostName, declaredDevices,
                libvirtSchemas, false);
    }
}
