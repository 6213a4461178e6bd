package dev.virtlint.platform;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import dev.virtlint.domain.InvalidValueException;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.firmware.Bar;
import dev.virtlint.xml.XmlElement;

/**
 * What each emulated device of a domain is as OVMF sees it: the PCI device QEMU makes of a {@code <devices>} child,
 * with the 64-bit BARs that OVMF places in its 64-bit MMIO aperture, and where libvirt puts it when the domain gives
 * it no address (a root port, a PCI bridge or the root bus, and there the slot it prefers). Devices without a 64-bit
 * BAR are kept too, as each takes a port or a slot that another device then does not get. These are facts about
 * single devices; where the devices end up together is {@link LibvirtPciPlacement}'s to decide.
 */
final class EmulatedDevices {
    /** Modern virtio-pci: a 16 KiB 64-bit prefetchable BAR for its capabilities (BAR 4; BAR 2 on virtio-vga). */
    private static final Bar VIRTIO_BAR = Bar.prefetchable64(4, 16 * MemorySize.KIB);
    /** qemu-xhci and nec-usb-xhci: a 16 KiB 64-bit non-prefetchable BAR 0. */
    private static final Bar XHCI_BAR = new Bar(0, 16 * MemorySize.KIB, true, false);
    private static final long IVSHMEM_DEFAULT_SIZE = 4 * MemorySize.MIB;
    private static final int ICH9_SOUND_SLOT = 0x1b;
    private static final int VIDEO_SLOT = 1;

    /** Where libvirt puts a device that has no PCI address. */
    enum AutoPlacement { ROOT_PORT, PCI_BRIDGE, ROOT_BUS }

    /** A PCI device with its 64-bit BARs, where libvirt puts it without an address, and its root-bus slot (or -1). */
    record Device(String id, List<Bar> bars, AutoPlacement placement, int preferredRootSlot) {
    }

    private final boolean q35;
    /** Makes each device's name unique in the tree, as findings and the map name devices by it. */
    private final UnaryOperator<String> uniqueId;

    EmulatedDevices(MachineFamily family, UnaryOperator<String> uniqueId) {
        this.q35 = family == MachineFamily.Q35;
        this.uniqueId = uniqueId;
    }

    /** The PCI device libvirt makes of a {@code <devices>} child, with its 64-bit BARs; empty for non-PCI devices. */
    Optional<Device> device(XmlElement element) {
        String name = element.qualifiedName();
        Optional<String> type = element.attributeValue("type");
        Optional<String> model = element.attributeValue("model")
                .or(() -> element.child("model").flatMap(m -> m.attributeValue("type")));
        boolean virtioModel = model.map(m -> m.startsWith("virtio")).orElse(false);
        boolean hasPciAddress = element.children("address").stream()
                .anyMatch(a -> a.attributeValue("type").map("pci"::equals).orElse(false));
        return switch (name) {
            case "disk" -> element.child("target").flatMap(t -> t.attributeValue("bus")).filter("virtio"::equals)
                    .map(bus -> pcie("virtio disk " + element.child("target").flatMap(t -> t.attributeValue("dev"))
                            .orElse(""), VIRTIO_BAR));
            case "interface" -> type.map("hostdev"::equals).orElse(false)
                    ? Optional.empty()
                    : Optional.of(virtioModel ? pcie(model.get() + " interface", VIRTIO_BAR)
                            : pcie(model.map(m -> m + " interface").orElse("interface"), null));
            case "controller" -> controller(type.orElse(""), element.attributeValue("model"), hasPciAddress);
            case "memballoon" -> model.filter(m -> !m.equals("none")).map(this::memballoon);
            case "rng", "vsock", "crypto" -> virtioModel ? Optional.of(pcie(model.get() + " " + name, VIRTIO_BAR))
                    : Optional.empty();
            case "input" -> type.filter(t -> element.attributeValue("bus").map("virtio"::equals).orElse(false))
                    .map(t -> pcie("virtio " + t + " input", VIRTIO_BAR));
            case "filesystem" -> Optional.of(pcie("filesystem " + element.child("target")
                    .flatMap(t -> t.attributeValue("dir")).orElse(""), VIRTIO_BAR));
            case "video" -> model.filter(m -> !m.equals("none") && !m.equals("ramfb"))
                    .map(m -> rootBus(m + " video", m.equals("virtio")
                            ? Bar.prefetchable64(2, 16 * MemorySize.KIB) : null, VIDEO_SLOT));
            case "sound" -> model.filter(m -> !m.equals("usb"))
                    .map(m -> rootBus(m + " sound", null, m.equals("ich9") ? ICH9_SOUND_SLOT : -1));
            case "watchdog" -> model.filter("i6300esb"::equals).map(m -> conventional("i6300esb watchdog", null));
            case "shmem" -> Optional.of(conventional("shmem " + element.attributeValue("name").orElse(""),
                    Bar.prefetchable64(2, shmemSize(element))));
            case "iommu" -> model.filter("virtio"::equals).map(m -> pcie("virtio iommu", VIRTIO_BAR));
            case "memory" -> model.filter(m -> m.startsWith("virtio")).map(m -> pcie(m + " memory", VIRTIO_BAR));
            default -> Optional.empty();
        };
    }

    /** The USB controller libvirt adds to a q35 domain that names none. */
    Device defaultUsbController() {
        return pcie("qemu-xhci USB controller", XHCI_BAR);
    }

    /** The memballoon libvirt adds to a domain without {@code <memballoon>}. */
    Device defaultMemballoon() {
        return memballoon("virtio");
    }

    private Device memballoon(String model) {
        Bar bar = model.startsWith("virtio") ? VIRTIO_BAR : null;
        return q35 ? pcie(model + " memballoon", bar) : rootBus(model + " memballoon", bar, -1);
    }

    private Optional<Device> controller(String type, Optional<String> model, boolean hasPciAddress) {
        return switch (type) {
            case "usb" -> {
                String usbModel = model.orElse(q35 ? "qemu-xhci" : "piix3-uhci");
                if (usbModel.equals("none")) {
                    yield Optional.empty();
                }
                Bar bar = usbModel.contains("xhci") ? XHCI_BAR : null;
                yield Optional.of(q35 && usbModel.contains("xhci")
                        ? pcie(usbModel + " USB controller", bar)
                        : rootBus(usbModel + " USB controller", bar, -1));
            }
            case "scsi" -> Optional.of(pcie(model.map(m -> m + " SCSI controller").orElse("SCSI controller"),
                    model.map(m -> m.startsWith("virtio")).orElse(false) ? VIRTIO_BAR : null));
            case "virtio-serial" -> Optional.of(pcie("virtio-serial controller", VIRTIO_BAR));
            case "sata" -> hasPciAddress ? Optional.of(pcie("sata controller", null)) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static long shmemSize(XmlElement shmem) {
        Optional<XmlElement> size = shmem.child("size");
        if (size.isEmpty()) {
            return IVSHMEM_DEFAULT_SIZE;
        }
        try {
            long bytes = MemorySize.parse(size.get().text(), size.get().attributeValue("unit").orElse(null), "b")
                    .bytes();
            return bytes > 0 && Long.bitCount(bytes) == 1 ? bytes : IVSHMEM_DEFAULT_SIZE;
        } catch (InvalidValueException e) {
            return IVSHMEM_DEFAULT_SIZE;
        }
    }

    private Device pcie(String id, Bar bar) {
        return new Device(uniqueId.apply(id), bar == null ? List.of() : List.of(bar), AutoPlacement.ROOT_PORT, -1);
    }

    private Device conventional(String id, Bar bar) {
        return new Device(uniqueId.apply(id), bar == null ? List.of() : List.of(bar),
                q35 ? AutoPlacement.PCI_BRIDGE : AutoPlacement.ROOT_BUS, -1);
    }

    private Device rootBus(String id, Bar bar, int preferredSlot) {
        return new Device(uniqueId.apply(id), bar == null ? List.of() : List.of(bar), AutoPlacement.ROOT_BUS,
                preferredSlot);
    }
}
