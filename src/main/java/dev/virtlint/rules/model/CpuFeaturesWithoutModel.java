package dev.virtlint.rules.model;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Cpu;
import dev.virtlint.domain.CpuFeature;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL005", name = "cpu-features-without-model", severity = Severity.ERROR, family = Family.MODEL,
        summary = "A custom-mode <cpu> lists <feature>s but names no <model>, so libvirt refuses the domain")
public final class CpuFeaturesWithoutModel implements Rule {
    /** libvirt's own text, from virCPUDefParseXML in src/conf/cpu_conf.c. */
    static final String LIBVIRT_ERROR = "XML error: Non-empty feature list specified without CPU model";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<Cpu> found = context.domain().cpu();
        // host-passthrough, host-model and maximum start from a CPU of their own, which the features modify.
        if (found.isEmpty() || !found.get().mode().equals("custom") || found.get().model().isPresent()
                || found.get().features().isEmpty()) {
            return List.of();
        }
        Cpu cpu = found.get();
        String mode = cpu.element().attribute("mode").isPresent() ? "mode='custom'"
                : "no mode, which libvirt reads as 'custom',";
        FindingBuilder finding = context.finding(this, cpu.element(), "libvirt refuses the domain at define: \""
                        + LIBVIRT_ERROR + "\". This <cpu> has " + mode + " " + cpu.features().size() + " <feature>"
                        + (cpu.features().size() == 1 ? "" : "s") + " and no <model> for them to modify; name the model"
                        + " (<model>EPYC</model>), or use mode='host-passthrough' or 'host-model' to modify the host's"
                        + " CPU")
                .data("features", cpu.features().stream().map(CpuFeature::name).toList());
        hostPassthroughFix(context.domain(), cpu).ifPresent(finding::fix);
        return List.of(finding.build());
    }

    /**
     * A {@code <cache mode='passthrough'/>} is accepted only with host-passthrough or maximum ("CPU cache mode
     * 'passthrough' can only be used with 'host-passthrough' / 'maximum' CPUs"), so such a domain meant the host's CPU;
     * under KVM that is host-passthrough. Unsafe all the same: the guest's CPU becomes the host's instead of QEMU's
     * default model.
     */
    private static Optional<Fix> hostPassthroughFix(DomainDef domain, Cpu cpu) {
        boolean cachePassthrough = cpu.element().child("cache").flatMap(cache -> cache.attributeValue("mode"))
                .map("passthrough"::equals).orElse(false);
        if (!cachePassthrough || !domain.type().map("kvm"::equals).orElse(false)) {
            return Optional.empty();
        }
        XmlElement element = cpu.element();
        return Optional.of(Fix.unsafe("set <cpu mode='host-passthrough'>, the mode its <cache mode='passthrough'/>"
                + " needs (the guest gets the host's CPU with these features)",
                List.of(Edits.setAttribute(domain.document(), element, "mode", "host-passthrough"))));
    }
}
