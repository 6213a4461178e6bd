package dev.virtlint.rules.gpu;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.xml.XmlElement;

/** Which device of the domain already sits at a guest PCI address, whatever kind of device it is. */
public final class GuestSlots {
    /** Matches any function of the slot. */
    public static final int ANY_FUNCTION = -1;

    private GuestSlots() {
    }

    /** The first device other than {@code except} (which may be null) with that guest address. */
    public static Optional<XmlElement> deviceAt(DomainDef domain, int pciDomain, int bus, int slot, int function,
                                                XmlElement except) {
        for (XmlElement device : domain.devices().map(XmlElement::children).orElse(List.of())) {
            if (device == except) {
                continue;
            }
            for (XmlElement address : device.children("address")) {
                if (address.attributeValue("type").map("pci"::equals).orElse(false)
                        && number(address, "domain") == pciDomain && number(address, "bus") == bus
                        && number(address, "slot") == slot
                        && (function == ANY_FUNCTION || number(address, "function") == function)) {
                    return Optional.of(device);
                }
            }
        }
        return Optional.empty();
    }

    /** libvirt reads address numbers like strtol base 0; an unreadable one is VL000's business and never matches. */
    private static int number(XmlElement address, String attribute) {
        String text = address.attributeValue(attribute).orElse("0").strip();
        try {
            return text.isEmpty() ? 0 : Integer.decode(text);
        } catch (NumberFormatException e) {
            return -2;
        }
    }
}
