package dev.virtlint.lint;

import java.util.Optional;
import java.util.OptionalInt;

import dev.virtlint.host.CpuInfo;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.TargetStack;

/** What every file of a run is checked against: the target stack, the host CPU, and the host facts if any. */
public record LintEnvironment(TargetStack stack, HostCpu hostCpu, Optional<HostFacts> hostFacts) {

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
}
