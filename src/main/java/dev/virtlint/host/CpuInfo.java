package dev.virtlint.host;

import java.util.Optional;
import java.util.Set;

/**
 * The first processor block of {@code /proc/cpuinfo}: every block of an x86 host carries the same vendor,
 * address sizes and (apart from rare microcode mismatches) flags.
 */
public record CpuInfo(Optional<String> vendorId, Optional<String> modelName, Optional<Integer> physBits,
                      Optional<Integer> virtBits, Set<String> flags) {

    public CpuInfo {
        flags = Set.copyOf(flags);
    }

    public Optional<CpuVendor> vendor() {
        return vendorId.map(CpuVendor::fromVendorId);
    }

    public boolean hasFlag(String flag) {
        return flags.contains(flag);
    }

    /** {@code pdpe1gb}: 1 GiB pages; a guest CPU without them makes OVMF cap its phys-bits at 40. */
    public boolean gigabytePages() {
        return hasFlag("pdpe1gb");
    }

    /** {@code svm} (AMD-V) or {@code vmx} (VT-x); absent flags mean KVM cannot run here. */
    public boolean hardwareVirtualization() {
        return hasFlag("svm") || hasFlag("vmx");
    }
}
