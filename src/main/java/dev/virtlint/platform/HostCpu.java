package dev.virtlint.platform;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The host CPU facts the platform needs: its CPUID vendor string and physical address bits. Empty when
 * the run has no host facts; rules that need them then say they could not check.
 */
public record HostCpu(Optional<String> vendorId, OptionalInt physBits) {

    public static HostCpu unknown() {
        return new HostCpu(Optional.empty(), OptionalInt.empty());
    }
}
