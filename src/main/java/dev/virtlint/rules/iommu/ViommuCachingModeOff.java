package dev.virtlint.rules.iommu;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.Iommu;
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
        FindingBuilder finding = context.finding(this, iommu.get().element(), "QEMU will refuse to start: \"We need to"
                        + " set caching-mode=on for intel-iommu to enable device assignment with IOMMU protection.\" The"
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
}
