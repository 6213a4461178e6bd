package dev.virtlint.rules.host;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.HostFacts;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;

/**
 * The PCI devices a domain passes through by host address, with the host facts that list the host's PCI devices:
 * what every host-readiness rule starts from.
 */
record PassedThrough(List<Hostdev> hostdevs, HostFacts facts) {

    /**
     * Empty when the domain passes no PCI device through by address, or when the run's host facts list no PCI devices
     * (then recorded as not checked for {@code rule}).
     */
    static Optional<PassedThrough> of(LintContext context, Rule rule) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs().stream().filter(h -> h.source().isPresent()).toList();
        if (hostdevs.isEmpty()) {
            return Optional.empty();
        }
        if (context.hostFacts().flatMap(HostFacts::pciDevices).isEmpty()) {
            context.couldNotCheck(rule, "the host's PCI devices", NotChecked.HOST_PCI_DEVICES);
            return Optional.empty();
        }
        return Optional.of(new PassedThrough(hostdevs, context.hostFacts().get()));
    }

    /** The host addresses this domain takes. */
    Set<PciAddress> sources() {
        Set<PciAddress> sources = new HashSet<>();
        hostdevs.forEach(hostdev -> sources.add(hostdev.source().orElseThrow()));
        return sources;
    }
}
