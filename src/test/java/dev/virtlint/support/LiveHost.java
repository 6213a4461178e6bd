package dev.virtlint.support;

import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

import dev.virtlint.host.CpuInfo;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostRootReader;

/**
 * This machine's facts, read with virt-lint's own host reader, for tests whose expectation depends on the
 * machine they run on (libvirt compares a domain with the CPU it runs on).
 */
public final class LiveHost {
    private LiveHost() {
    }

    public static HostFacts facts() {
        return HostRootReader.read(Path.of("/"));
    }

    /** The host CPU's physical address bits; skips the test where /proc/cpuinfo does not say. */
    public static int physBits() {
        var bits = facts().cpu().flatMap(CpuInfo::physBits);
        Assumptions.assumeTrue(bits.isPresent(), "this machine's /proc/cpuinfo gives no address sizes");
        return bits.get();
    }
}
