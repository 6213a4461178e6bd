package dev.virtlint.rules.memory;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.MaxPhysAddr;
import dev.virtlint.platform.Platform;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL105", name = "phys-bits-exceed-host", severity = Severity.ERROR, family = Family.MEMORY,
        summary = "<maxphysaddr mode='emulate'> asks for more address bits than the host CPU has; libvirt refuses")
public final class PhysBitsExceedHost implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        Optional<MaxPhysAddr> maxPhysAddr = context.domain().cpu().flatMap(cpu -> cpu.maxPhysAddr());
        Optional<Integer> host = platform.hostPhysBits();
        if (maxPhysAddr.isEmpty() || !maxPhysAddr.get().mode().equals("emulate")
                || maxPhysAddr.get().bits().isEmpty()) {
            return List.of();
        }
        if (host.isEmpty()) {
            context.couldNotCheck(this, "the host's physical address bits");
            return List.of();
        }
        if (maxPhysAddr.get().bits().get() <= host.get()) {
            return List.of();
        }
        int bits = maxPhysAddr.get().bits().get();
        var at = maxPhysAddr.get().element().attribute("bits").orElseThrow();
        return List.of(context.finding(this, at, "bits='" + bits + "' exceeds the host's " + host.get()
                        + " physical address bits: libvirt refuses to start the domain with \"The number of virtual"
                        + " CPU address bits cannot exceed the number supported by the host CPU\", and a guest told"
                        + " it has more bits than the hardware would fault on the addresses above them")
                .data("bits", bits).data("hostPhysBits", host.get()).build());
    }
}
