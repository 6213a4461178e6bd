package dev.virtlint.domain;

import java.util.List;
import java.util.Optional;

import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlElement;

/**
 * The typed, read-only view of one {@code <domain>} that rules work on. Every part keeps its element, so a
 * finding can point at it and a fix can edit around it. Elements the model does not type are still in
 * {@link #document()}.
 */
public record DomainDef(XmlDocument document, Optional<String> type, Optional<String> name, Os os,
                        MemoryConfig memory, Optional<Cpu> cpu, Features features, Optional<XmlElement> devices,
                        List<Controller> controllers, List<Hostdev> hostdevs, List<MemoryDevice> memoryDevices,
                        List<Iommu> iommus, List<FwCfgEntry> fwCfgEntries, List<QemuBlock> qemuBlocks,
                        Optional<XmlElement> metadata, Optional<String> osinfoId, List<ModelProblem> problems) {

    public static final String QEMU_NAMESPACE = "http://libvirt.org/schemas/domain/qemu/1.0";
    public static final String LIBOSINFO_NAMESPACE = "http://libosinfo.org/xmlns/libvirt/domain/1.0";

    public XmlElement root() {
        return document.root();
    }

    public List<Hostdev> pciHostdevs() {
        return hostdevs.stream().filter(Hostdev::isPci).toList();
    }

    /** The absolute paths of the ROM files the PCI host devices name in {@code <rom file>}, in document order. */
    public List<String> romFiles() {
        return pciHostdevs().stream().flatMap(hostdev -> hostdev.rom().flatMap(Rom::file).stream())
                .filter(file -> file.startsWith("/")).distinct().toList();
    }

    /** The root PCI controller ({@code pcie-root} on q35, {@code pci-root} on i440fx), where {@code <pcihole64>} goes. */
    public Optional<Controller> rootPciController() {
        return controllers.stream().filter(Controller::isRootBus).findFirst();
    }

    public Optional<Controller> pciController(int index) {
        return controllers.stream()
                .filter(controller -> controller.isPci() && controller.index().orElse(-1) == index)
                .findFirst();
    }

    /** The {@code qemu:commandline} arguments libvirt will actually pass, in order. */
    public List<QemuArg> honouredQemuArgs() {
        return qemuBlocks.stream()
                .filter(block -> block.kind() == QemuBlock.Kind.COMMANDLINE && block.isHonoured())
                .flatMap(block -> block.args().stream())
                .toList();
    }

    /** The {@code qemu:env} variables libvirt will actually set for QEMU, in order. */
    public List<QemuEnv> honouredQemuEnv() {
        return qemuBlocks.stream()
                .filter(block -> block.kind() == QemuBlock.Kind.COMMANDLINE && block.isHonoured())
                .flatMap(block -> block.env().stream())
                .toList();
    }

    public List<QemuDeviceOverride> honouredDeviceOverrides() {
        return qemuBlocks.stream()
                .filter(block -> block.kind() == QemuBlock.Kind.OVERRIDE && block.isHonoured())
                .flatMap(block -> block.devices().stream())
                .toList();
    }

    /** Windows per libosinfo metadata ({@code http://microsoft.com/win/...}). */
    public boolean isWindowsByOsinfo() {
        return osinfoId.map(id -> id.startsWith("http://microsoft.com/win/")).orElse(false);
    }

    /**
     * What says the guest runs Windows: its libosinfo id, or Hyper-V enlightenments, which libvirt and
     * virt-manager turn on for Windows guests only; empty when the domain does not say.
     */
    public Optional<String> windowsEvidence() {
        if (isWindowsByOsinfo()) {
            return osinfoId;
        }
        return features.hyperv().map(HyperV::enlightens).orElse(false) ? Optional.of("Hyper-V enlightenments are on") : Optional.empty();
    }

    /** Whether libosinfo metadata names an operating system other than Windows. */
    public boolean isKnownNotWindows() {
        return osinfoId.isPresent() && !isWindowsByOsinfo();
    }
}
