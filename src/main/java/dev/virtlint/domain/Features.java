package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/**
 * {@code <features>}: ACPI, APIC, the IOAPIC driver, Hyper-V, KVM {@code hidden} and SMM. Empty parts
 * mean the element is absent; the container itself may be absent too.
 */
public record Features(Optional<XmlElement> element, Optional<XmlElement> acpi, Optional<XmlElement> apic,
                       Optional<String> ioapicDriver, Optional<HyperV> hyperv, Optional<XmlElement> kvm,
                       Optional<String> kvmHiddenState, Optional<String> smmState) {

    public static Features absent() {
        return new Features(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean kvmHidden() {
        return kvmHiddenState.map("on"::equals).orElse(false);
    }
}
