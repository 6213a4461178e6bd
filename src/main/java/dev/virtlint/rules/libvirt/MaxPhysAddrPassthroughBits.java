package dev.virtlint.rules.libvirt;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Cpu;
import dev.virtlint.domain.MaxPhysAddr;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL703", name = "maxphysaddr-passthrough-bits", severity = Severity.ERROR, family = Family.LIBVIRT,
        summary = "<maxphysaddr mode='passthrough'> with a bits count, which libvirt refuses")
public final class MaxPhysAddrPassthroughBits implements Rule {
    /** libvirt's text, from qemuValidateDomainDefCpu in src/qemu/qemu_validate.c. */
    static final String LIBVIRT_ERROR = "CPU maximum physical address bits number specification cannot be used with"
            + " mode='passthrough'";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<MaxPhysAddr> found = context.domain().cpu().flatMap(Cpu::maxPhysAddr);
        if (found.isEmpty() || !found.get().mode().equals("passthrough")
                || found.get().element().attribute("bits").isEmpty()) {
            return List.of();
        }
        MaxPhysAddr maxPhysAddr = found.get();
        String bits = maxPhysAddr.element().attributeValue("bits").orElse("");
        return List.of(context.finding(this, maxPhysAddr.element(), "libvirt refuses the domain (at define, and at"
                        + " start for one defined before): \"" + LIBVIRT_ERROR + "\". In passthrough mode the vCPU"
                        + " takes the host's width; to give it " + bits + " bits use mode='emulate' bits='" + bits
                        + "', to cap the host's width use limit='" + bits + "' instead of bits")
                .build());
    }
}
