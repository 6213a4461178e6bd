package dev.virtlint.host;

import java.util.Optional;
import java.util.Set;

/**
 * The first processor block of {@code /proc/cpuinfo}: every block of an x86 host carries the same vendor,
 * address sizes and (apart from rare microcode mismatches) flags. {@code flags} is absent when the block has
 * no flags line, as in a capture through libvirt, which does not report them.
 */
public record CpuInfo(Optional<String> vendorId, Optional<String> modelName, Optional<Integer> physBits,
                      Optional<Integer> virtBits, Optional<Set<String>> flags) {

    public CpuInfo {
        flags = flags.map(Set::copyOf);
    }

    public Optional<CpuVendor> vendor() {
        return vendorId.map(CpuVendor::fromVendorId);
    }

    public Optional<Boolean> hasFlag(String flag) {
        return flags.map(set -> set.contains(flag));
    }

    /** {@code pdpe1gb}: 1 GiB pages; a guest CPU without them makes OVMF cap its phys-bits at 40. */
    public Optional<Boolean> gigabytePages() {
        return hasFlag("pdpe1gb");
    }

    /** {@code svm} (AMD-V) or {@code vmx} (VT-x); absent flags mean KVM cannot run here. */
    public Optional<Boolean> hardwareVirtualization() {
        return flags.map(set -> set.contains("svm") || set.contains("vmx"));
    }
}
