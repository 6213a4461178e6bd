package dev.virtlint.rules.firmware;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.firmware.Aperture;
import dev.virtlint.firmware.OvmfPlan;
import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.Placement;
import dev.virtlint.firmware.WindowAdvisor;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.AddressLayout;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL104", name = "mmio-window-in-amd-ht-hole", severity = Severity.WARNING, family = Family.FIRMWARE,
        summary = "OVMF's 64-bit PCI window overlaps AMD's HyperTransport hole, where VFIO cannot map a BAR")
public final class MmioWindowInAmdHtHole implements Rule {
    private static final String HOLE = Hex.of(HostFacts.AMD_HT_HOLE_START) + "-" + Hex.of(HostFacts.AMD_HT_HOLE_END);

    @Override
    public List<Finding> check(LintContext context) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        if (hostdevs.isEmpty()) {
            return List.of();
        }
        if (context.platform().host().vendorId().isEmpty()) {
            context.couldNotCheck(this, "the host's CPU vendor (AMD hosts reserve 0xfd00000000-0xffffffffff)");
            return List.of();
        }
        if (!context.platform().host().vendorId().get().equals("AuthenticAMD")) {
            return List.of();
        }
        Optional<OvmfPlan> plan = context.platform().firmware().value();
        if (plan.isEmpty()) {
            FirmwarePrediction.missingFact(context.platform()).ifPresent(fact -> context.couldNotCheck(this, fact));
            return List.of();
        }
        Aperture aperture = plan.get().aperture();
        if (!inHole(aperture)) {
            return List.of();
        }
        Optional<FirmwarePrediction> prediction = FirmwarePrediction.of(context);
        XmlElement anchor = context.domain().os().loader().map(loader -> loader.element())
                .orElse(context.domain().os().element());
        StringBuilder message = new StringBuilder("on this AMD host, OVMF ").append(plan.get().input().release())
                .append(" puts ").append(FirmwarePrediction.describe(aperture))
                .append(", overlapping the HyperTransport range ").append(HOLE)
                .append(" that the host IOMMU reserves");
        if (prediction.isPresent()) {
            List<Placement.PlacedBar> inHole = prediction.get().placement().bars().stream()
                    .filter(bar -> Long.compareUnsigned(bar.end(), HostFacts.AMD_HT_HOLE_START) >= 0
                            && Long.compareUnsigned(bar.start(), HostFacts.AMD_HT_HOLE_END) <= 0)
                    .toList();
            for (Placement.PlacedBar bar : inHole) {
                message.append("; ").append(bar.endpoint().id()).append(" BAR ").append(bar.bar().index())
                        .append(" lands at ").append(Hex.of(bar.start())).append("-").append(Hex.of(bar.end()));
            }
            Optional<Hostdev> hostdevInHole = hostdevs.stream()
                    .filter(h -> prediction.get().endpointOf(h).map(e -> inHole.stream()
                            .anyMatch(bar -> bar.endpoint().id().equals(e.id()))).orElse(false))
                    .findFirst();
            if (hostdevInHole.isPresent()) {
                anchor = hostdevInHole.get().element();
            }
        }
        // Only peer-to-peer DMA between two passed-through devices uses those mappings; the functions of one device
        // reach each other inside the card.
        long devices = hostdevs.stream().flatMap(h -> h.source().stream())
                .map(source -> source.domain() + ":" + source.bus() + ":" + source.slot()).distinct().count();
        boolean peers = devices > 1;
        message.append(". VFIO refuses DMA mappings in that range, so QEMU cannot map a passed-through BAR there for"
                + " peer-to-peer DMA (it reports vfio_container_dma_map(...) = -22 (Invalid argument) and runs on)")
                .append(peers ? ": transfers between the " + devices + " passed-through devices to that BAR fail"
                        : "; with one passed-through device there is no peer to use them, so this matters once a second"
                                + " one (another GPU, an NVMe drive) is added")
                .append(". ").append(whatMovesIt(aperture, plan.get().input().release(),
                        context.platform().layoutInput().flatMap(AddressLayout::amdHtReservationMissing)));
        OptionalLong knob = clearKnob(plan.get(), prediction);
        if (knob.isPresent()) {
            message.append(". With this release, X-PciMmio64Mb=").append(knob.getAsLong())
                    .append(" keeps the window above RAM, clear of the hole");
        }
        FindingBuilder finding = OvmfEvidence.with(context.finding(this, anchor, message.toString()),
                        plan.get().input().release())
                .severity(peers ? Severity.WARNING : Severity.INFO)
                .data("windowBase", Hex.of(aperture.base()))
                .data("windowEnd", Hex.of(aperture.lastAddress()));
        if (knob.isPresent()) {
            fix(context, knob.getAsLong(), prediction.isPresent()).ifPresent(finding::fix);
        }
        return List.of(finding.build());
    }

    /**
     * When OVMF itself moves the window out of the hole: only its dynamic window (PlatformDynamicMmioWindow scans
     * e820 after choosing it, never for the classic one), from 2023.02 (edk2 c0a0b9bc35), and only below an e820
     * entry, which QEMU adds for AMD's range only under the conditions {@link AddressLayout#amdHtReservationMissing}
     * checks. With that entry in place a release that moves the window leaves none of it in the hole.
     */
    static String whatMovesIt(Aperture aperture, OvmfRelease release, Optional<String> reservationMissing) {
        if (aperture.kind() == Aperture.Kind.CLASSIC) {
            return "No OVMF release moves a classic window such as this one out of the hole: 2023.02 and later move"
                    + " only the dynamic window, 1/8 of the address space";
        }
        String who = release.movesWindowBelowReservations() ? "OVMF " + release + " moves"
                : "OVMF 2023.02 and later move";
        if (reservationMissing.isEmpty()) {
            return who + " this window below the hole, which this QEMU reserves in e820";
        }
        return who + " this window below the hole only where QEMU reserves the range in e820, as QEMU 7.1 and later do"
                + " for an AMD vCPU with " + AddressLayout.AMD_HT_RESERVATION_MIN_PHYS_BITS + " or more phys-bits on"
                + " machine types 7.1 and later; here " + reservationMissing.get();
    }

    private static boolean inHole(Aperture aperture) {
        return aperture.overlaps(HostFacts.AMD_HT_HOLE_START, HostFacts.AMD_HT_HOLE_END);
    }

    /**
     * An X-PciMmio64Mb large enough that OVMF keeps the classic window above RAM instead: clear of the hole, and
     * holding every BAR when their sizes are known, else at least as large as the window it replaces.
     */
    private static OptionalLong clearKnob(OvmfPlan plan, Optional<FirmwarePrediction> prediction) {
        long current = plan.aperture().size();
        Predicate<OvmfPlan> clear = candidate -> !inHole(candidate.aperture()) && WindowAdvisor.withinReach(candidate);
        return prediction.isPresent()
                ? WindowAdvisor.smallestKnob(prediction.get().plan(),
                        candidate -> clear.test(candidate) && candidate.place().windowHoldsEverything())
                : WindowAdvisor.smallestKnob(plan,
                        candidate -> clear.test(candidate) && candidate.aperture().size() >= current);
    }

    private static Optional<Fix> fix(LintContext context, long mib, boolean barsKnown) {
        String description = "set X-PciMmio64Mb=" + mib + " (" + MemorySize.format(mib * MemorySize.MIB)
                + "), which keeps OVMF's window above RAM, clear of the HyperTransport hole";
        return QemuCommandLineEdits.setPciMmio64Mb(context.domain(), mib)
                .map(edits -> barsKnown ? Fix.safe(description, edits)
                        : Fix.unsafe(description + " (the passed-through BARs' sizes are unknown: check they fit)",
                                edits));
    }
}
