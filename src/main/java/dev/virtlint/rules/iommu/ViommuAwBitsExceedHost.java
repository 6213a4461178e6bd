package dev.virtlint.rules.iommu;

import java.util.List;
import java.util.Map;
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
    /**
     * The widths host IOMMUs translate: VT-d units on client Intel platforms have an MGAW of 39, server ones 48 (57
     * with 5-level tables); AMD-Vi 48 (57 with 5-level tables).
     */
    private static final int NARROWEST_HOST_IOMMU = 39;
    private static final int WIDEST_HOST_IOMMU = 57;
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
        int aw = awBits.value().get();
        if (hostWidth.isEmpty()) {
            // Units listed without a readable width are a capture problem the host reader warns about, not a gap.
            if (context.hostFacts().flatMap(HostFacts::iommuUnits).isPresent()) {
                context.couldNotCheck(this, "the host IOMMU's address width (/sys/class/iommu)");
                return List.of();
            }
            return onSomeHosts(context, iommu.get(), hostdevs, aw, awBits.source());
        }
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

    /**
     * Without the host IOMMU's width: every host IOMMU translates at least {@link #NARROWEST_HOST_IOMMU} bits, so a
     * vIOMMU that narrow works on every host, and a wider one fails on the hosts narrower than it (client Intel
     * platforms). A warning that names them, with the condition as data; no fix, since narrowing the guest's DMA
     * space is right only on those hosts.
     */
    private List<Finding> onSomeHosts(LintContext context, Iommu iommu, List<Hostdev> hostdevs, int aw,
                                      String awSource) {
        if (aw <= NARROWEST_HOST_IOMMU) {
            return List.of();
        }
        String bdf = hostdevs.get(0).source().map(source -> source.bdf()).orElse("<BDF>");
        Version qemu = context.platform().qemu().version();
        String consequence = qemu.isAtLeast(CHECK_SINCE.major(), CHECK_SINCE.minor())
                ? "QEMU " + qemu + " will refuse to start the domain: \"vfio " + bdf + ": Failed to set vIOMMU: aw-bits "
                        + aw + " > host aw-bits " + NARROWEST_HOST_IOMMU + "\""
                : "QEMU " + qemu + " does not check this (9.1 added the check), and the guest's DMA to addresses at or"
                        + " above 2^" + NARROWEST_HOST_IOMMU + " fails";
        return List.of(context.finding(this, iommu.element(), "On a host whose IOMMU translates fewer than " + aw
                        + " bits (client Intel platforms' VT-d units have " + NARROWEST_HOST_IOMMU + "): " + consequence + ": the intel-iommu's aw-bits are " + aw + " ("
                        + awSource + "). This run has no host facts to tell whether the host is one of them (the host"
                        + " IOMMU's address width): give --host-root DIR, a host captured with 'virt-lint host-facts"
                        + " --snapshot'. <driver aw_bits='" + NARROWEST_HOST_IOMMU + "'/> works on every host")
                .severity(Severity.WARNING)
                .data("awBits", aw)
                .data("failsOn", Map.of("hostIommuBitsBelow", aw))
                .data("settledBy", "the host IOMMU's address width")
                .data("hostRange", Map.of("hostIommuBits", List.of(NARROWEST_HOST_IOMMU, WIDEST_HOST_IOMMU)))
                .build());
    }
}
