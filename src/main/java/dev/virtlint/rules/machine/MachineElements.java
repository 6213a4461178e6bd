package dev.virtlint.rules.machine;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.xml.XmlElement;

/** Where machine-type findings point: the machine attribute's element, else {@code <os>}, else the root. */
final class MachineElements {
    private MachineElements() {
    }

    static XmlElement anchor(DomainDef domain) {
        return domain.os().typeElement().orElse(domain.os().element());
    }
}
