package dev.virtlint.domain;

import java.util.List;
import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <features><hyperv mode>} with its {@code vendor_id} and the names of the enlightenments that are on. */
public record HyperV(XmlElement element, Optional<String> mode, Optional<XmlElement> vendorIdElement,
                     Optional<String> vendorIdState, Optional<String> vendorIdValue, List<String> enabled) {

    /** Whether the guest gets any enlightenment: some listed as on, or every one the host has (mode='passthrough'). */
    public boolean enlightens() {
        return !enabled().isEmpty() || mode().map("passthrough"::equals).orElse(false);
    }
}
