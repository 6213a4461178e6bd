package dev.virtlint.lint;

import java.util.Optional;
import java.util.OptionalInt;

import dev.virtlint.firmware.DeclaredDevices;
import dev.virtlint.host.CpuInfo;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.TargetStack;

/**
 * What a file is checked against: the target stack, the host CPU, the host facts if any, and the BAR sizes a
 * repository declares for host devices.
 *
 * @param hostName the host's name where the run checks a fleet of captured hosts ({@code hosts:} in the
 *                 configuration): findings that hold on some of them name the hosts
 */
public record LintEnvironment(TargetStack stack, HostCpu hostCpu, Optional<HostFacts> hostFacts,
                              Optional<String> hostName, DeclaredDevices declaredDevices) {

    public LintEnvironment(TargetStack stack, HostCpu hostCpu, Optional<HostFacts> hostFacts) {
        this(stack, hostCpu, hostFacts, Optional.empty(), DeclaredDevices.NONE);
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
        return new LintEnvironment(stack, hostCpu, hostFacts, Optional.of(name), declaredDevices);
    }

    public LintEnvironment withDeclaredDevices(DeclaredDevices devices) {
        return new LintEnvironment(stack, hostCpu, hostFacts, hostName, devices);
    }
}
