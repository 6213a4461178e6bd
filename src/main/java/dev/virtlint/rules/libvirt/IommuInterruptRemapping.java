package dev.virtlint.rules.libvirt;

import java.util.ArrayList;
import java.util.List;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Iommu;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL704", name = "iommu-interrupt-remapping", severity = Severity.ERROR, family = Family.LIBVIRT,
        summary = "vIOMMU eim without interrupt remapping, or interrupt remapping with the in-kernel I/O APIC:"
                + " libvirt refuses the domain")
public final class IommuInterruptRemapping implements Rule {
    /** libvirt's texts, from virDomainDefIOMMUValidate in src/conf/domain_validate.c. */
    static final String NEEDS_SPLIT_IOAPIC = "IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')";
    static final String EIM_NEEDS_INTREMAP = "IOMMU eim requires interrupt remapping to be enabled";

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        // libvirt validates the domain's first <iommu> only.
        if (domain.iommus().isEmpty()) {
            return List.of();
        }
        Iommu iommu = domain.iommus().get(0);
        List<Finding> findings = new ArrayList<>();
        boolean intremap = iommu.intremap().map("on"::equals).orElse(false);
        // Without <ioapic> libvirt picks driver='qemu' itself for intremap; only another driver written out fails.
        String ioapic = domain.features().ioapicDriver().orElse("qemu");
        if (intremap && !ioapic.equals("qemu")) {
            findings.add(context.finding(this, iommu.driverElement().orElse(iommu.element()), refusal(NEEDS_SPLIT_IOAPIC)
                    + " <features> has <ioapic driver='" + ioapic + "'/>: set driver='qemu' there (or remove the"
                    + " <ioapic> line and libvirt picks it)").build());
        }
        if (iommu.eim().map("on"::equals).orElse(false) && !intremap) {
            findings.add(context.finding(this, iommu.driverElement().orElse(iommu.element()), refusal(EIM_NEEDS_INTREMAP)
                    + " Extended interrupt mode is a mode of interrupt remapping: add intremap='on' to this <driver>")
                    .build());
        }
        return findings;
    }

    private static String refusal(String libvirtMessage) {
        return "libvirt refuses the domain (at define, and at start for one defined before): \"" + libvirtMessage
                + "\".";
    }
}
