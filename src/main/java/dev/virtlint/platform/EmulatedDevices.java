package dev.virtlint.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import dev.virtlint.domain.InvalidValueException;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.firmware.Bar;
import dev.virtlint.firmware.PciNode;
import dev.virtlint.xml.XmlElement;

/**
 * What each emulated device of a domain is as OVMF sees it: the PCI device QEMU makes of a {@code <devices>} child,
 * with the 64-bit BARs that OVMF places in its 64-bit MMIO aperture and the I/O BARs it places in its I/O space, and
 * where libvirt puts it when the domain gives it no address (a root port, a PCI bridge or the root bus, and there the
 * slot it prefers). Devices without such BARs are kept too, as each takes a port or a slot that another device then
 * does not get. These are facts about single devices; where the devices end up together is
 * {@link LibvirtPciPlacement}'s to decide.
 *
 * <p>The I/O BARs are QEMU 10.0's, read from {@code info pci} after OVMF placed them (and from {@code info qtree} for
 * virtio-blk, virtio-9p and AC97): e1000e 32 bytes at BAR 2, e1000 64 at BAR 1, rtl8139 256 at BAR 0, qxl 32 at
 * BAR 3, the UHCI controllers 32 at BAR 4, lsi53c895a 256 at BAR 0, ich9-ahci 32 at BAR 4, ICH9's SMBus 64 at BAR 4,
 * PIIX3's IDE 16 at BAR 4, AC97 1 KiB and 256 at BARs 0 and 1. xHCI, EHCI, HDA sound, i6300esb, ivshmem and the VGA
 * models have none.
 */
final class EmulatedDevices {
    /** Modern virtio-pci: a 16 KiB 64-bit prefetchable BAR for its capabilities (BAR 4; BAR 2 on virtio-vga). */
    private static final Bar VIRTIO_BAR = Bar.prefetchable64(4, 16 * MemorySize.KIB);
    /** qemu-xhci and nec-usb-xhci: a 16 KiB 64-bit non-prefetchable BAR 0. */
    private static final Bar XHCI_BAR = new Bar(0, 16 * MemorySize.KIB, true, false);
    private static final long IVSHMEM_DEFAULT_SIZE = 4 * MemorySize.MIB;
    private static final int ICH9_SOUND_SLOT = 0x1b;
    /** virtio-vga's registers: BAR 2. */
    private static final Bar VIRTIO_VGA_BAR = Bar.prefetchable64(2, 16 * MemorySize.KIB);
    private static final Bar E1000E_IO = Bar.io(2, 32);
    private static final Bar E1000_IO = Bar.io(1, 64);
    private static final Bar RTL8139_IO = Bar.io(0, 256);
    private static final Bar QXL_IO = Bar.io(3, 32);
    private static final Bar UHCI_IO = Bar.io(4, 32);
    private static final Bar LSI_IO = Bar.io(0, 256);
    private static final Bar AHCI_IO = Bar.io(4, 32);
    private static final List<Bar> AC97_IO = List.of(Bar.io(0, 1024), Bar.io(1, 256));
    private static final Bar ICH9_SMBUS_IO = Bar.io(4, 64);
    private static final Bar PIIX3_IDE_IO = Bar.io(4, 16);
    /** The chipset's functions with I/O BARs: ICH9's AHCI at 0x1f.2 and SMBus at 0x1f.3, PIIX3's IDE at 0x1.1. */
    private static final int ICH9_SLOT = 0x1f;
    private static final int PIIX3_SLOT = 1;
    private static final int VIDEO_SLOT = 1;

    /** Where libvirt puts a device that has no PCI address. */
    enum AutoPlacement { ROOT_PORT, PCI_BRIDGE, ROOT_BUS }

    /**
     * A PCI device with its 64-bit and I/O BARs, where libvirt puts it without an address, its root-bus slot (or
     * -1), and the legacy I/O BAR it has where QEMU makes it a transitional virtio device.
     */
    record Device(String id, List<Bar> bars, AutoPlacement placement, int preferredRootSlot,
                  Optional<LegacyIo> legacyIo) {
        Device {
            bars = List.copyOf(bars);
        }

        /** Its BARs on a bus behind a PCIe root or downstream port ({@code behindPciePort}) or elsewhere. */
        List<Bar> bars(boolean behindPciePort) {
            if (legacyIo.isEmpty() || behindPciePort && !legacyIo.get().always()) {
                return bars;
            }
            List<Bar> all = new ArrayList<>(bars);
            all.add(legacyIo.get().bar());
            return all;
        }
    }

    /**
     * The I/O BAR 0 of a virtio device in its legacy (transitional) form: QEMU 10.0's sizes, 24 bytes of legacy
     * header and the device's config space rounded up to a power of two (booted: net and rng 32 bytes, serial, scsi
     * and balloon 64; from {@code info qtree}: blk 128, 9p 32). QEMU's {@code disable-legacy=auto}
     * (hw/virtio/virtio-pci.c, virtio_pci_realize) keeps the legacy interface except behind a PCIe port, so a
     * virtio device on pcie.0 or behind a PCI bridge has it (booted: virtio-serial, -balloon, -rng, -net and -scsi
     * on pcie.0 under OVMF 2022.11 and 2025.02); libvirt's {@code virtio-transitional} model gives it everywhere
     * ({@code always}), {@code virtio-non-transitional} nowhere. The virtio-1.0-only devices (input, gpu, crypto,
     * iommu, and vsock and memory, which QEMU forces to virtio 1) have none.
     */
    record LegacyIo(Bar bar, boolean always) {
    }

    private final boolean q35;
    /** Makes each device's name unique in the tree, as findings and the map name devices by it. */
    private final UnaryOperator<String> uniqueId;

    EmulatedDevices(MachineFamily family, UnaryOperator<String> uniqueId) {
        this.q35 = family == MachineFamily.Q35;
        this.uniqueId = uniqueId;
    }

    /**
     * The PCI device libvirt makes of a {@code <devices>} child, with its 64-bit and I/O BARs; empty for non-PCI
     * devices.
     */
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
                            .orElse(""), List.of(VIRTIO_BAR), legacy(model, 128)));
            case "interface" -> type.map("hostdev"::equals).orElse(false)
                    ? Optional.empty()
                    : Optional.of(virtioModel ? pcie(model.get() + " interface", List.of(VIRTIO_BAR), legacy(model, 32))
                            : pcie(model.map(m -> m + " interface").orElse("interface"), nicIo(model.orElse("")),
                                    Optional.empty()));
            case "controller" -> controller(type.orElse(""), element.attributeValue("model"), hasPciAddress);
            case "memballoon" -> model.filter(m -> !m.equals("none")).map(this::memballoon);
            case "rng" -> virtioModel ? Optional.of(pcie(model.get() + " rng", List.of(VIRTIO_BAR), legacy(model, 32)))
                    : Optional.empty();
            case "vsock", "crypto" -> virtioModel ? Optional.of(pcie(model.get() + " " + name, List.of(VIRTIO_BAR),
                    Optional.empty())) : Optional.empty();
            case "input" -> type.filter(t -> element.attributeValue("bus").map("virtio"::equals).orElse(false))
                    .map(t -> pcie("virtio " + t + " input", List.of(VIRTIO_BAR), Optional.empty()));
            case "filesystem" -> Optional.of(pcie("filesystem " + element.child("target")
                    .flatMap(t -> t.attributeValue("dir")).orElse(""), List.of(VIRTIO_BAR),
                    virtiofs(element) ? Optional.empty() : legacy(model, 32)));
            case "video" -> model.filter(m -> !m.equals("none") && !m.equals("ramfb"))
                    .map(m -> rootBus(m + " video", m.equals("virtio") ? List.of(VIRTIO_VGA_BAR)
                            : m.equals("qxl") ? List.of(QXL_IO) : List.of(), VIDEO_SLOT));
            case "sound" -> model.filter(m -> !m.equals("usb"))
                    .map(m -> rootBus(m + " sound", m.equals("ac97") ? AC97_IO : List.of(),
                            m.equals("ich9") ? ICH9_SOUND_SLOT : -1));
            case "watchdog" -> model.filter("i6300esb"::equals).map(m -> conventional("i6300esb watchdog", null));
            case "shmem" -> Optional.of(conventional("shmem " + element.attributeValue("name").orElse(""),
                    Bar.prefetchable64(2, shmemSize(element))));
            case "iommu" -> model.filter("virtio"::equals).map(m -> pcie("virtio iommu", List.of(VIRTIO_BAR),
                    Optional.empty()));
            case "memory" -> model.filter(m -> m.startsWith("virtio")).map(m -> pcie(m + " memory", List.of(VIRTIO_BAR),
                    Optional.empty()));
            default -> Optional.empty();
        };
    }

    /**
     * The chipset's own functions with I/O BARs, which QEMU builds into every q35 machine (ICH9's AHCI at 0x1f.2 and
     * SMBus at 0x1f.3) and every i440fx one (PIIX3's IDE at 0x1.1); the domain's {@code <controller type='sata'>}
     * at 0x1f.2 is the same AHCI.
     */
    List<PciNode.Endpoint> chipsetFunctions() {
        if (q35) {
            return List.of(PciNode.Endpoint.emulated(uniqueId.apply("ICH9 AHCI"), ICH9_SLOT, 2, List.of(AHCI_IO)),
                    PciNode.Endpoint.emulated(uniqueId.apply("ICH9 SMBus"), ICH9_SLOT, 3, List.of(ICH9_SMBUS_IO)));
        }
        return List.of(PciNode.Endpoint.emulated(uniqueId.apply("PIIX3 IDE"), PIIX3_SLOT, 1, List.of(PIIX3_IDE_IO)));
    }

    /** The USB controller libvirt adds to a q35 domain that names none. */
    Device defaultUsbController() {
        return pcie("qemu-xhci USB controller", List.of(XHCI_BAR), Optional.empty());
    }

    /** The memballoon libvirt adds to a domain without {@code <memballoon>}. */
    Device defaultMemballoon() {
        return memballoon("virtio");
    }

    private Device memballoon(String model) {
        List<Bar> bars = model.startsWith("virtio") ? List.of(VIRTIO_BAR) : List.of();
        Optional<LegacyIo> legacy = model.startsWith("virtio") ? legacy(Optional.of(model), 64) : Optional.empty();
        return q35 ? pcie(model + " memballoon", bars, legacy)
                : new Device(uniqueId.apply(model + " memballoon"), bars, AutoPlacement.ROOT_BUS, -1, legacy);
    }

    private Optional<Device> controller(String type, Optional<String> model, boolean hasPciAddress) {
        return switch (type) {
            case "usb" -> {
                String usbModel = model.orElse(q35 ? "qemu-xhci" : "piix3-uhci");
                if (usbModel.equals("none")) {
                    yield Optional.empty();
                }
                List<Bar> bars = usbModel.contains("xhci") ? List.of(XHCI_BAR)
                        : usbModel.contains("uhci") ? List.of(UHCI_IO) : List.of();
                yield Optional.of(q35 && usbModel.contains("xhci")
                        ? pcie(usbModel + " USB controller", bars, Optional.empty())
                        : rootBus(usbModel + " USB controller", bars, -1));
            }
            case "scsi" -> {
                boolean virtio = model.map(m -> m.startsWith("virtio")).orElse(false);
                yield Optional.of(pcie(model.map(m -> m + " SCSI controller").orElse("SCSI controller"),
                        virtio ? List.of(VIRTIO_BAR) : model.filter("lsilogic"::equals).isPresent() ? List.of(LSI_IO)
                                : List.of(), virtio ? legacy(model, 64) : Optional.empty()));
            }
            case "virtio-serial" -> Optional.of(pcie("virtio-serial controller", List.of(VIRTIO_BAR),
                    legacy(model, 64)));
            case "sata" -> hasPciAddress ? Optional.of(pcie("sata controller", List.of(AHCI_IO), Optional.empty()))
                    : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** The I/O BAR of an emulated NIC that is not virtio. */
    private static List<Bar> nicIo(String model) {
        if (model.equals("e1000e")) {
            return List.of(E1000E_IO);
        }
        if (model.startsWith("e1000")) {
            return List.of(E1000_IO);
        }
        return model.equals("rtl8139") ? List.of(RTL8139_IO) : List.of();
    }

    /** A filesystem passed with virtiofs is a vhost-user-fs device, virtio 1 only; 9p is transitional. */
    private static boolean virtiofs(XmlElement filesystem) {
        return filesystem.child("driver").flatMap(d -> d.attributeValue("type")).map("virtiofs"::equals)
                .orElse(false);
    }

    /** The legacy I/O BAR of a transitional virtio device of {@code size} bytes, by libvirt's model. */
    private static Optional<LegacyIo> legacy(Optional<String> model, long size) {
        String value = model.orElse("virtio");
        if (value.equals("virtio-non-transitional")) {
            return Optional.empty();
        }
        return Optional.of(new LegacyIo(Bar.io(0, size), value.equals("virtio-transitional")));
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

    private Device pcie(String id, List<Bar> bars, Optional<LegacyIo> legacy) {
        return new Device(uniqueId.apply(id), bars, AutoPlacement.ROOT_PORT, -1, legacy);
    }

    private Device conventional(String id, Bar bar) {
        return new Device(uniqueId.apply(id), bar == null ? List.of() : List.of(bar),
                q35 ? AutoPlacement.PCI_BRIDGE : AutoPlacement.ROOT_BUS, -1, Optional.empty());
    }

    private Device rootBus(String id, List<Bar> bars, int preferredSlot) {
        return new Device(uniqueId.apply(id), bars, AutoPlacement.ROOT_BUS, preferredSlot, Optional.empty());
    }
}
