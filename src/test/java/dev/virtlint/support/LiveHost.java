package dev.virtlint.support;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

import dev.virtlint.host.CpuInfo;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostRootReader;

/**
 * This machine's facts, read with virt-lint's own host reader, for tests whose expectation depends on the
 * machine they run on (libvirt compares a domain with the CPU it runs on).
 */
public final class LiveHost {
    /**
     * The sentence of libvirt's refusal of a {@code <maxphysaddr mode='emulate'>} wider than the host CPU (the QEMU
     * driver's CPU validation, for every domain type), which VL105 quotes.
     */
    public static final String WIDER_THAN_HOST_REFUSAL =
            "The number of virtual CPU address bits cannot exceed the number supported by the host CPU";
    private static final Pattern EMULATED_BITS =
            Pattern.compile("<maxphysaddr\\s+mode=(['\"])emulate\\1\\s+bits=(['\"])(\\d+)\\2");

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

    /** True when the domain asks for more emulated address bits than {@code hostBits}: libvirt refuses it here. */
    public static boolean widerThanHost(String domainXml, int hostBits) {
        Matcher emulated = EMULATED_BITS.matcher(domainXml);
        return emulated.find() && Integer.parseInt(emulated.group(3)) > hostBits;
    }
}
