package dev.virtlint.rules.iommu;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.Iommu;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL303", name = "viommu-caching-mode-off", severity = Severity.ERROR, family = Family.IOMMU,
        summary = "An intel-iommu without caching_mode='on' refuses the domain's passed-through PCI devices")
public final class ViommuCachingModeOff implements Rule {
    /** libvirt added {@code caching_mode} in 3.4.0. */
    private static final int[] CACHING_MODE_SINCE = {3, 4};

    @Override
    public List<Finding> check(LintContext context) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        Optional<Iommu> iommu = IntelIommus.of(context.domain());
        if (hostdevs.isEmpty() || iommu.isEmpty() || iommu.get().cachingMode().map("on"::equals).orElse(false)) {
            return List.of();
        }
        String state = iommu.get().cachingMode().map(mode -> "caching_mode='" + mode + "'")
                .orElse("no caching_mode (QEMU's default is off)");
        FindingBuilder finding = context.finding(this, iommu.get().element(), "QEMU will refuse to start: \""
                        + refusal(context.platform().qemu().version(), hostdevs.get(0)) + "\" The"
                        + " intel-iommu has " + state + " and the domain passes through " + hostdevs.size() + " PCI"
                        + " device" + (hostdevs.size() == 1 ? "" : "s") + "; with caching mode on, the guest reports"
                        + " every mapping change, which VFIO needs to keep the host IOMMU in step")
                .data("cachingMode", iommu.get().cachingMode().orElse("off"));
        if (context.platform().stack().libvirtAtLeast(CACHING_MODE_SINCE[0], CACHING_MODE_SINCE[1])) {
            finding.fix(Fix.safe("set <driver caching_mode='on'/> on the intel-iommu", List.of(
                    IntelIommus.setDriverAttribute(context.domain(), iommu.get(), "caching_mode", "on"))));
        }
        return List.of(finding.build());
    }

    /**
     * QEMU's words. Up to 10.1 a machine-init-done hook exits with the first; from 10.2 (commit 3cda33e06e72,
     * "intel_iommu: Simplify caching mode check with VFIO device") the VFIO device's realize fails with the second,
     * which vfio prefixes with the host device and "Failed to set vIOMMU".
     */
    static String refusal(Version qemu, Hostdev first) {
        if (!qemu.isAtLeast(10, 2)) {
            return "We need to set caching-mode=on for intel-iommu to enable device assignment with IOMMU protection.";
        }
        return "vfio " + first.source().map(source -> source.bdf()).orElse("<host device>") + ": Failed to set vIOMMU:"
                + " Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.";
    }
}
