package dev.virtlint.rules.libvirt;

import java.util.List;
import java.util.Optional;

import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL706", name = "hugepages-backing", severity = Severity.ERROR, family = Family.LIBVIRT,
        summary = "<hugepages> with an anonymous memory source or on-demand allocation, which libvirt refuses")
public final class HugepagesBacking implements Rule {
    /** libvirt's texts, from qemuValidateDomainDefMemory in src/qemu/qemu_validate.c, checked in this order. */
    static final String ONDEMAND = "hugepages are not allowed with memory allocation ondemand";
    static final String ANONYMOUS = "hugepages are not allowed with anonymous memory source";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<XmlElement> backing = context.domain().root().child("memoryBacking");
        if (backing.isEmpty() || backing.get().child("hugepages").isEmpty()) {
            return List.of();
        }
        Optional<XmlElement> ondemand = backing.get().child("allocation")
                .filter(allocation -> allocation.attributeValue("mode").map("ondemand"::equals).orElse(false));
        if (ondemand.isPresent()) {
            return List.of(finding(context, ondemand.get(), ONDEMAND, "hugepages are reserved up front, so QEMU"
                    + " always preallocates them: remove <allocation mode='ondemand'/> (or the <hugepages>)"));
        }
        Optional<XmlElement> anonymous = backing.get().child("source")
                .filter(source -> source.attributeValue("type").map("anonymous"::equals).orElse(false));
        return anonymous.map(source -> List.of(finding(context, source, ANONYMOUS, "hugepages come from a file on"
                        + " hugetlbfs (or memfd), not from anonymous memory: remove <source type='anonymous'/>, or use"
                        + " type='memfd' where the memory must also be shared")))
                .orElse(List.of());
    }

    private Finding finding(LintContext context, XmlElement at, String libvirtMessage, String advice) {
        return context.finding(this, at, "libvirt refuses the domain (at define, and at start for one defined"
                + " before): \"" + libvirtMessage + "\". " + Character.toUpperCase(advice.charAt(0))
                + advice.substring(1)).build();
    }
}
