package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/**
 * {@code <hostdev mode='subsystem' type='pci' managed>}: the host device ({@code <source><address/>}), where
 * it appears in the guest, its ROM settings, alias and driver.
 */
public record Hostdev(XmlElement element, String mode, String type, Optional<String> managed,
                      Optional<PciAddress> source, Optional<GuestPciAddress> guestAddress, Optional<Rom> rom,
                      Optional<XmlElement> aliasElement, Optional<String> alias, Optional<String> driver) {

    public boolean isPci() {
        return mode.equals("subsystem") && type.equals("pci");
    }
}
