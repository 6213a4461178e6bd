package dev.virtlint.rules.memory;

import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Sized;
import dev.virtlint.platform.Platform;
import dev.virtlint.xml.XmlElement;

/**
 * Where memory findings point: {@code <maxMemory>} when there is a hotplug region (it is what usually
 * pushes the layout up), else {@code <memory>}, else the root.
 */
final class MemoryAnchors {
    private MemoryAnchors() {
    }

    /**
     * Why the address map is unknown, when the reason is a fact the run lacks (host vendor or width);
     * empty when the map is unknown for a reason more facts would not fix (an unknown machine type).
     */
    static Optional<String> missingFact(Platform platform) {
        if (platform.machine().isEmpty() || platform.machine().get().layoutFlags().isEmpty()) {
            return Optional.empty();
        }
        if (!platform.vendor().isKnown()) {
            return Optional.of("the vCPU's vendor: " + platform.vendor().source());
        }
        if (!platform.physBits().isKnown()) {
            return Optional.of("the vCPU's phys-bits: " + platform.physBits().source());
        }
        return Optional.empty();
    }

    static XmlElement anchor(DomainDef domain) {
        return domain.memory().maxMemory().map(Sized::element)
                .or(() -> domain.memory().memory().map(Sized::element))
                .orElse(domain.root());
    }
}
