package dev.virtlint.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.MaxPhysAddr;
import dev.virtlint.domain.Sized;
import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.libvirt.CpuModels;
import dev.virtlint.platform.GuestPhysBits;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.PlatformResolver;
import dev.virtlint.platform.TargetStack;

/**
 * The hosts a domain could run on, where the run lacks the host facts that decide what QEMU and libvirt do with
 * it. Instead of skipping the checks that need the host's CPU vendor or physical address bits, the linter runs
 * them once per host in this range and {@link ScenarioVerdicts} merges the verdicts: a problem on every host is
 * reported as it is, one on some hosts as a warning that names them.
 *
 * <p>The range is every x86 vendor whose hosts differ here (AMD reserves the HyperTransport hole and moves RAM
 * past it; KVM gives the vCPU the host's vendor) and every physical address width from 36 to 52 bits, the
 * widths x86-64 CPUs report (CPUID 0x80000008; 52 is the architectural limit), from 43 for AMD hosts. A dimension is enumerated only
 * when the domain's behaviour depends on it and the run does not know it.
 */
public final class HostRange {
    /** CPUID vendor strings, in the order verdicts name them. */
    public static final List<String> VENDORS = List.of(CpuModels.AMD, CpuModels.INTEL);
    public static final int MIN_PHYS_BITS = 36;
    public static final int MAX_PHYS_BITS = 52;
    /**
     * The narrowest width of the x86 CPUs people pass GPUs through on today: Intel client CPUs report 39 bits since
     * Haswell (2013), Xeons 46 and more, AMD Zen 43-52. A problem only on narrower hosts is a legacy concern.
     */
    public static final int COMMON_NARROWEST = 39;
    /**
     * The narrowest AMD host that can pass a device through: AMD CPUs with an IOMMU (AMD-Vi, family 10h and later)
     * report 48 physical address bits, 52 from Zen 4 on, and 43 where SME/SEV memory encryption takes 5 of them
     * (AMD64 APM vol. 3, CPUID Fn8000_0008 EAX and Fn8000_001F EBX[11:6]). The 40-bit K8 had no IOMMU, so a verdict
     * "on an AMD host with 40 bits" would speak of hosts that do not exist.
     */
    public static final int AMD_NARROWEST = 43;

    /**
     * Which of the host's facts the range enumerates (both false: the run's own host decides), and the narrowest
     * host width in it.
     */
    public record Dimensions(boolean vendor, boolean physBits, int narrowest) {
        public boolean any() {
            return vendor || physBits;
        }
    }

    private HostRange() {
    }

    /** The host facts that are unknown to this run and change what some rule concludes about this domain. */
    public static Dimensions dimensions(DomainDef domain, TargetStack stack, HostCpu host) {
        return dimensions(domain, PlatformResolver.resolve(domain, stack, host), host, false);
    }

    /**
     * As above, from the platform already resolved on the run's own {@code host}. Where {@code ovmfAssumed} (nothing
     * names the host's OVMF, so every span of releases is checked), the host's width counts wherever some release
     * reads it, so that the rules run once for all spans see the same hosts under each.
     */
    public static Dimensions dimensions(DomainDef domain, Platform withoutHost, HostCpu host, boolean ovmfAssumed) {
        boolean hostdevs = !domain.pciHostdevs().isEmpty();
        // The vCPU takes the host's vendor under KVM, and VFIO cannot map guest RAM into an AMD host's
        // HyperTransport hole whatever the vCPU's vendor.
        boolean vendor = host.vendorId().isEmpty() && (!withoutHost.vendor().isKnown() || hostdevs);
        // The vCPU takes the host's width under host-phys-bits, and libvirt refuses an emulated width above it.
        boolean emulatedWidth = domain.cpu().flatMap(cpu -> cpu.maxPhysAddr())
                .filter(max -> max.mode().equals("emulate")).flatMap(MaxPhysAddr::bits).isPresent();
        // OVMF 2024.08 and later read CPUID's guest-phys-bits, which QEMU fills from the host under KVM.
        boolean firmwareReadsHostWidth = domain.os().usesUefi() && (ovmfAssumed || OvmfRelease.parse(withoutHost
                .stack().ovmf()).map(OvmfRelease::honoursGuestPhysBits).orElse(false))
                && GuestPhysBits.readsHostWidth(domain, withoutHost);
        boolean physBits = host.physBits().isEmpty()
                && (!withoutHost.physBits().isKnown() || emulatedWidth || firmwareReadsHostWidth);
        return new Dimensions(vendor, physBits, narrowestHolding(domain));
    }

    /**
     * Every host of the range that could hold the guest, the run's known facts kept: vendors in {@link #VENDORS}
     * order, widths ascending. A host's RAM lies within its physical address space, so a host narrower than the
     * guest's memory cannot back it (and VFIO pins all of it): such hosts are left out, lest a 64 GiB guest be
     * warned about 36-bit hosts that could never run it.
     */
    public static List<HostCpu> hosts(Dimensions dimensions, HostCpu known) {
        List<Optional<String>> vendors = dimensions.vendor()
                ? VENDORS.stream().map(Optional::of).toList() : List.of(known.vendorId());
        List<HostCpu> hosts = new ArrayList<>();
        for (Optional<String> vendor : vendors) {
            if (!dimensions.physBits()) {
                hosts.add(new HostCpu(vendor, known.physBits()));
                continue;
            }
            for (int bits = narrowest(vendor, dimensions); bits <= MAX_PHYS_BITS; bits++) {
                hosts.add(new HostCpu(vendor, OptionalInt.of(bits)));
            }
        }
        return hosts;
    }

    /** The narrowest host of {@code vendor} in the range: one that holds the guest's memory and has an IOMMU. */
    static int narrowest(Optional<String> vendor, Dimensions dimensions) {
        boolean amd = vendor.filter(CpuModels.AMD::equals).isPresent();
        return Math.max(dimensions.narrowest(), amd ? AMD_NARROWEST : MIN_PHYS_BITS);
    }

    /** The narrowest host in the range whose address space exceeds the guest's initial memory. */
    private static int narrowestHolding(DomainDef domain) {
        long memory = domain.memory().memory().map(Sized::bytes).orElse(0L);
        int bits = MIN_PHYS_BITS;
        while (bits < MAX_PHYS_BITS && (1L << bits) <= memory) {
            bits++;
        }
        return bits;
    }
}
