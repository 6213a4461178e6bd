package dev.virtlint.platform;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.QemuArg;

/**
 * The vCPU's {@code guest-phys-bits} (CPUID 0x80000008 EAX[23:16], qemu-address-space.md §3.4): a hint to the guest
 * of the widest address the hypervisor can map, which OVMF 2024.08 and later honour and which a vIOMMU's aw-bits
 * should match. libvirt has no element for it; {@code qemu:commandline} can set it.
 */
public final class GuestPhysBits {
    /** QEMU added the property, and fills it from KVM, in 9.1; machine types up to 9.0 set it to 0. */
    private static final Version INTRODUCED = Version.of(9, 1);
    /** Four-level nested paging (EPT, NPT) maps 48 bits, so KVM reports no limit on hosts of that width or less. */
    private static final int FOUR_LEVEL_TDP_BITS = 48;
    private static final Pattern CPU_PROPERTY = Pattern.compile("(?:^|,)guest-phys-bits=(\\d+)(?:,|$)");

    private GuestPhysBits() {
    }

    /**
     * What CPUID reports: the value set through {@code qemu:commandline}, else what QEMU fills in (0 = not set). Under
     * KVM on machine types from 9.1 QEMU takes KVM's value, which is 0 on hosts with at most 48 physical address bits;
     * on wider hosts it is unknown here.
     */
    public static Resolved<Integer> cpuid(DomainDef domain, Platform platform) {
        Optional<Integer> explicit = explicit(domain, platform.inputs().cpuModel());
        if (explicit.isPresent()) {
            return Resolved.of(explicit.get(), "guest-phys-bits=" + explicit.get() + " in qemu:commandline");
        }
        if (platform.accel() == Accel.TCG) {
            return Resolved.of(0, "QEMU leaves guest-phys-bits unset under TCG");
        }
        if (!filledFromKvm(platform)) {
            return Resolved.of(0, "QEMU fills guest-phys-bits from KVM only from 9.1, on machine types 9.1 and later");
        }
        Optional<Integer> hostBits = platform.hostPhysBits();
        if (hostBits.isEmpty()) {
            return Resolved.unknown("under KVM QEMU takes guest-phys-bits from the host, and this run has no host facts"
                    + " (give --host-root)");
        }
        if (hostBits.get() <= FOUR_LEVEL_TDP_BITS) {
            return Resolved.of(0, "KVM reports no GuestPhysBits on a host with " + hostBits.get()
                    + " physical address bits");
        }
        return Resolved.unknown("KVM's GuestPhysBits on a host with " + hostBits.get()
                + " physical address bits depends on its nested paging levels");
    }

    /** Whether what CPUID reports depends on the host's physical address bits: QEMU fills it in from KVM. */
    public static boolean readsHostWidth(DomainDef domain, Platform platform) {
        return explicit(domain, platform.inputs().cpuModel()).isEmpty() && platform.accel() == Accel.KVM
                && filledFromKvm(platform);
    }

    private static boolean filledFromKvm(Platform platform) {
        return platform.qemu().version().isAtLeast(INTRODUCED.major(), INTRODUCED.minor())
                && platform.machine().flatMap(MachineType::baseVersion)
                        .map(base -> base.isAtLeast(INTRODUCED.major(), INTRODUCED.minor())).orElse(false);
    }

    /** The width the guest uses for addresses: guest-phys-bits when set (capped at phys-bits), else phys-bits. */
    public static Resolved<Integer> effective(DomainDef domain, Platform platform) {
        Resolved<Integer> cpuid = cpuid(domain, platform);
        if (!cpuid.isKnown()) {
            return cpuid;
        }
        if (!platform.physBits().isKnown()) {
            return platform.physBits();
        }
        int physBits = platform.physBits().value().get();
        int value = cpuid.value().get();
        return value == 0
                ? Resolved.of(physBits, "phys-bits, as guest-phys-bits is unset: " + cpuid.source())
                : Resolved.of(Math.min(value, physBits), cpuid.source());
    }

    /**
     * {@code -global <model>-x86_64-cpu.guest-phys-bits=N} for the domain's CPU model, or {@code guest-phys-bits=N}
     * on a {@code -cpu} argument; the last one wins, as in QEMU.
     */
    static Optional<Integer> explicit(DomainDef domain, Optional<String> cpuModel) {
        Optional<Integer> found = Optional.empty();
        var args = domain.honouredQemuArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            String option = args.get(i).value();
            QemuArg next = args.get(i + 1);
            if (option.equals("-global") && cpuModel.isPresent()
                    && next.value().startsWith(cpuModel.get() + "-x86_64-cpu.guest-phys-bits=")) {
                found = parse(next.value().substring(next.value().indexOf('=') + 1));
            } else if (option.equals("-cpu")) {
                Matcher matcher = CPU_PROPERTY.matcher(next.value());
                if (matcher.find()) {
                    found = parse(matcher.group(1));
                }
            }
        }
        return found;
    }

    private static Optional<Integer> parse(String value) {
        try {
            return Optional.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
