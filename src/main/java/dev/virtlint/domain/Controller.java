package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/**
 * {@code <controller type index model>} with {@code <target chassis port hotplug>}, {@code <pcihole64>}
 * (on the root PCI controller), its own guest address and alias.
 */
public record Controller(XmlElement element, String type, Optional<Integer> index, Optional<String> model,
                         Optional<XmlElement> target, Optional<Integer> chassis, Optional<Integer> port,
                         Optional<String> hotplug, Optional<Sized> pciHole64, Optional<GuestPciAddress> address,
                         Optional<String> alias) {

    public boolean isPci() {
        return type.equals("pci");
    }

    /** The PCIe root ports a GPU is typically placed behind: {@code pcie-root-port} and the older {@code ioh3420}. */
    public boolean isRootPort() {
        return isPci() && model.map(m -> m.equals("pcie-root-port") || m.equals("ioh3420")).orElse(false);
    }

    public boolean isRootBus() {
        return isPci() && model.map(m -> m.equals("pcie-root") || m.equals("pci-root")).orElse(false);
    }
}
