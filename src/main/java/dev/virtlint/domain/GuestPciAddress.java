package dev.virtlint.domain;

import dev.virtlint.xml.XmlElement;

/** A device's {@code <address type='pci' .../>} inside the guest, with {@code multifunction}. */
public record GuestPciAddress(XmlElement element, PciAddress address, boolean multifunction) {
}
