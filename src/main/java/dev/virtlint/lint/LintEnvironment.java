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
 * @param hostName the host's name where the run checks a fleet of captured hosts ({@code hosts:} in the
 *                 configuration): findings that hold on some of them name the hosts
 * @param libvirtSchemas where {@code domain.rng} and the files it includes are: the installed libvirt's by default
 */
public record LintEnvironment(TargetStack stack, HostCpu hostCpu, Optional<HostFacts> hostFacts,
                              Optional<String> hostName, DeclaredDevices declaredDevices, Path libvirtSchemas) {

    public LintEnvironment(TargetStack stack, HostCpu hostCpu, Optional<HostFacts> hostFacts) {
        this(stack, hostCpu, hostFacts, Optional.empty(), DeclaredDevices.NONE, DomainSchema.INSTALLED);
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
        return new LintEnvironment(stack, hostCpu, hostFacts, Optional.of(name), declaredDevices, libvirtSchemas);
    }

    public LintEnvironment withDeclaredDevices(DeclaredDevices devices) {
        return new LintEnvironment(stack, hostCpu, hostFacts, hostName, devices, libvirtSchemas);
    }

    public LintEnvironment withLibvirtSchemas(Path directory) {
        return new LintEnvironment(stack, hostCpu, hostFacts, hostName, declaredDevices, directory);
    }
}
