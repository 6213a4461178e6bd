package dev.virtlint.rules.iommu;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.Iommu;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.Resolved;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL301", name = "viommu-aw-bits-exceed-host", severity = Severity.ERROR, family = Family.IOMMU,
        summary = "The intel-iommu's address width is wider than the host IOMMU's; QEMU refuses the passed-through devices")
public final class ViommuAwBitsExceedHost implements Rule {
    /** QEMU compares the vIOMMU with the host IOMMU when a VFIO device attaches, since 9.1. */
    private static final Version CHECK_SINCE = Version.of(9, 1);
    /** libvirt added {@code aw_bits} in 6.5.0. */
    private static final int[] AW_BITS_SINCE = {6, 5};

    @Override
    public List<Finding> check(LintContext context) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        Optional<Iommu> iommu = IntelIommus.of(context.domain());
        if (hostdevs.isEmpty() || iommu.isEmpty()) {
            return List.of();
        }
        Resolved<Integer> awBits = IntelIommus.awBits(iommu.get(), context.platform());
        if (!awBits.isKnown()) {
            return List.of();
        }
        Optional<Integer> hostWidth = context.hostFacts().flatMap(HostFacts::iommuAddressWidth);
        if (hostWidth.isEmpty()) {
            String fact = "the host IOMMU's address width (/sys/class/iommu)";
            // Units listed without a readable width are a capture problem the host reader warns about, not a gap.
            if (context.hostFacts().flatMap(HostFacts::iommuUnits).isEmpty()) {
                context.couldNotCheck(this, fact, NotChecked.HOST_IOMMU_UNITS);
            } else {
                context.couldNotCheck(this, fact);
            }
            return List.of();
        }
        int aw = awBits.value().get();
        if (aw <= hostWidth.get()) {
            return List.of();
        }
        String bdf = hostdevs.get(0).source().map(source -> source.bdf()).orElse("<BDF>");
        Version qemu = context.platform().qemu().version();
        String consequence = qemu.isAtLeast(CHECK_SINCE.major(), CHECK_SINCE.minor())
                ? "QEMU " + qemu + " will refuse to start the domain: \"vfio " + bdf + ": Failed to set vIOMMU: aw-bits "
                        + aw + " > host aw-bits " + hostWidth.get() + "\""
                : "QEMU " + qemu + " does not check this (9.1 added the check), and the guest's DMA to addresses at or"
                        + " above 2^" + hostWidth.get() + " fails";
        FindingBuilder finding = context.finding(this, iommu.get().element(), consequence + ": the intel-iommu's aw-bits"
                        + " are " + aw + " (" + awBits.source() + ") but the host IOMMU translates only "
                        + hostWidth.get() + " bits")
                .data("awBits", aw)
                .data("hostAwBits", hostWidth.get());
        Optional<Integer> fitting = IntelIommus.VALID_AW_BITS.stream().filter(bits -> bits <= hostWidth.get())
                .max(Integer::compare);
        if (fitting.isPresent() && context.platform().stack().libvirtAtLeast(AW_BITS_SINCE[0], AW_BITS_SINCE[1])) {
            finding.fix(Fix.safe("set <driver aw_bits='" + fitting.get() + "'/> on the intel-iommu, which the host"
                    + " IOMMU's " + hostWidth.get() + " bits cover", List.of(IntelIommus.setDriverAttribute(context.domain(), iommu.get(), "aw_bits",
                    String.valueOf(fitting.get())))));
        }
        return List.of(finding.build());
    }
}
