package dev.virtlint.rules.firmware;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.firmware.Aperture;
import dev.virtlint.firmware.Bar;
import dev.virtlint.firmware.OvmfPlan;
import dev.virtlint.firmware.PciNode;
import dev.virtlint.firmware.Placement;
import dev.virtlint.platform.Accel;
import dev.virtlint.platform.Platform;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;

/** OVMF's window and BAR placement for the domain being linted, with the passed-through devices sized. */
record FirmwarePrediction(OvmfPlan plan, Placement placement) {

    /** Empty when the firmware is not OVMF, its inputs are unknown, or a passed-through device's BARs are. */
    static Optional<FirmwarePrediction> of(LintContext context) {
        Optional<OvmfPlan> plan = context.platform().firmware().value();
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        if (hostdevs.stream().anyMatch(h -> PassthroughBars.whyUnknown(h, context.hostFacts(),
                context.declaredDevices()).isPresent())) {
            return Optional.empty();
        }
        OvmfPlan sized = plan.get().withHostBars(PassthroughBars.of(hostdevs, context.hostFacts(),
                context.declaredDevices()), PassthroughBars.vgaControllers(hostdevs, context.hostFacts(),
                context.declaredDevices()));
        return Optional.of(new FirmwarePrediction(sized, sized.place()));
    }

    /**
     * The fact whose absence keeps the window unknown, when more host facts would supply it; empty when the window is
     * unknown for a reason another rule reports (SeaBIOS, an unknown machine, a QEMU that will not start).
     */
    static Optional<String> missingFact(Platform platform) {
        if (!platform.vendor().isKnown()) {
            return Optional.of("the vCPU's vendor: " + platform.vendor().source());
        }
        if (!platform.physBits().isKnown()) {
            return Optional.of("the vCPU's phys-bits: " + platform.physBits().source());
        }
        String why = platform.firmware().source();
        return platform.firmware().isKnown() || !why.contains("host facts") ? Optional.empty() : Optional.of(why);
    }

    /** The widest phys-bits a fix may ask for: anything under TCG, the host's width under KVM. */
    static int maxPhysBits(Platform platform) {
        if (platform.accel() == Accel.TCG) {
            return 52;
        }
        return platform.hostPhysBits().orElse(platform.physBits().value().orElse(40));
    }

    /** "the 128 GiB window at 0xe000000000-0xffffffffff (…reason…)". */
    static String describe(Aperture aperture) {
        if (aperture.size() == 0) {
            return "no 64-bit PCI window, as " + aperture.explanation();
        }
        return "the " + MemorySize.format(aperture.size()) + " 64-bit PCI window at " + Hex.of(aperture.base()) + "-"
                + Hex.of(aperture.lastAddress()) + " (" + aperture.explanation() + ")";
    }

    /** A byte count in the largest unit it is a whole number of: "131104 MiB" rather than a rounded "128.0 GiB". */
    static String exactSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        long value = bytes;
        while (unit < units.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + " " + units[unit];
    }

    static String describe(PciNode.Endpoint endpoint) {
        List<Bar> large = endpoint.bars().stream().filter(Bar::is64Bit)
                .sorted((a, b) -> Long.compare(b.size(), a.size())).toList();
        return large.isEmpty() ? endpoint.id()
                : endpoint.id() + " (64-bit BAR " + large.get(0).index() + ": " + MemorySize.format(large.get(0).size())
                        + ")";
    }

    Optional<PciNode.Endpoint> endpointOf(Hostdev hostdev) {
        return hostdev.source().flatMap(source -> plan.hostEndpoints().stream()
                .filter(endpoint -> endpoint.hostDevice().map(source.bdf()::equals).orElse(false))
                .findFirst());
    }
}
