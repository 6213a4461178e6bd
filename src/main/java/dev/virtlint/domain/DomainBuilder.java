package dev.virtlint.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.virtlint.xml.Span;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlElement;

/**
 * Builds a {@link DomainDef} from a located document. Lenient by design: a value it cannot interpret
 * becomes a {@link ModelProblem} and that part is left out, so one bad attribute never hides every other
 * finding in the file. Elements it does not know are ignored here and kept in the document.
 */
public final class DomainBuilder {
    private final XmlDocument document;
    private final List<ModelProblem> problems = new ArrayList<>();

    private DomainBuilder(XmlDocument document) {
        this.document = document;
    }

    /** The caller has checked that the root is {@code <domain>}. */
    public static DomainDef build(XmlDocument document) {
        return new DomainBuilder(document).build();
    }

    private DomainDef build() {
        XmlElement root = document.root();
        Optional<XmlElement> devices = root.child("devices");
        List<XmlElement> deviceElements = devices.map(XmlElement::children).orElse(List.of());
        List<Controller> controllers = new ArrayList<>();
        List<Hostdev> hostdevs = new ArrayList<>();
        List<MemoryDevice> memoryDevices = new ArrayList<>();
        List<Iommu> iommus = new ArrayList<>();
        for (XmlElement device : deviceElements) {
            if (!device.namespaceUri().isEmpty()) {
                continue;
            }
            switch (device.qualifiedName()) {
                case "controller" -> controllers.add(controller(device));
                case "hostdev" -> hostdevs.add(hostdev(device));
                case "memory" -> memoryDevices.add(memoryDevice(device));
                case "iommu" -> iommus.add(iommu(device));
                default -> { }
            }
        }
        Optional<XmlElement> metadata = root.child("metadata");
        return new DomainDef(document, root.attributeValue("type"), root.child("name").map(XmlElement::text),
                os(root), memory(root), root.child("cpu").map(this::cpu), features(root), devices,
                List.copyOf(controllers), List.copyOf(hostdevs), List.copyOf(memoryDevices), List.copyOf(iommus),
                fwCfgEntries(root), qemuBlocks(root), metadata, metadata.flatMap(DomainBuilder::osinfoId),
                List.copyOf(problems));
    }

    private Os os(XmlElement root) {
        Optional<XmlElement> os = root.child("os");
        Optional<XmlElement> type = os.flatMap(e -> e.child("type"));
        Optional<Loader> loader = os.flatMap(e -> e.child("loader")).map(e -> new Loader(e, nonEmpty(e.text()),
                e.attributeValue("type"), e.attributeValue("readonly"), e.attributeValue("secure")));
        return new Os(os.orElse(root), type, type.map(XmlElement::text), type.flatMap(e -> e.attributeValue("arch")),
                type.flatMap(e -> e.attributeValue("machine")), os.flatMap(e -> e.attributeValue("firmware")), loader);
    }

    private MemoryConfig memory(XmlElement root) {
        Optional<XmlElement> maxMemory = root.child("maxMemory");
        Optional<XmlAttribute> slotsAttribute = maxMemory.flatMap(e -> e.attribute("slots"));
        Optional<Integer> slots = slotsAttribute.flatMap(a -> unsignedInt(maxMemory.get(), a));
        Optional<Sized> hardLimit = sized(root.child("memtune", "hard_limit"))
                .filter(limit -> limit.size().kibRoundedUp() < MemoryConfig.UNLIMITED_KIB);
        return new MemoryConfig(sized(root.child("memory")), sized(root.child("currentMemory")), sized(maxMemory),
                slots, slotsAttribute, hardLimit);
    }

    private Optional<Sized> sized(Optional<XmlElement> element) {
        return element.flatMap(e -> size(e, e.text(), e.attributeValue("unit").orElse(null))
                .map(size -> new Sized(size, e)));
    }

    private Optional<MemorySize> size(XmlElement element, String value, String unit) {
        try {
            return Optional.of(MemorySize.parse(value, unit, "KiB"));
        } catch (InvalidValueException e) {
            problem(element, element.startTag(), "<" + element.qualifiedName() + ">: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Cpu cpu(XmlElement cpu) {
        Optional<XmlElement> model = cpu.child("model");
        List<CpuFeature> features = cpu.children("feature").stream()
                .map(e -> new CpuFeature(e, e.attributeValue("name").orElse(""),
                        e.attributeValue("policy").orElse("require")))
                .toList();
        Optional<MaxPhysAddr> maxPhysAddr = cpu.child("maxphysaddr").map(e -> new MaxPhysAddr(e,
                e.attributeValue("mode").orElse(""), intAttribute(e, "bits"), intAttribute(e, "limit")));
        List<NumaCell> cells = cpu.child("numa").map(numa -> numa.children("cell").stream()
                .map(cell -> new NumaCell(cell, cell.attributeValue("id"), cell.attributeValue("cpus"),
                        cell.attributeValue("memory").flatMap(memory ->
                                size(cell, memory, cell.attributeValue("unit").orElse(null)))))
                .toList()).orElse(List.of());
        return new Cpu(cpu, cpu.attributeValue("mode").orElse("custom"), model.map(XmlElement::text).flatMap(
                DomainBuilder::nonEmpty), model, model.flatMap(e -> e.attributeValue("vendor_id")),
                cpu.child("vendor").map(XmlElement::text), features, maxPhysAddr, cells);
    }

    private Features features(XmlElement root) {
        Optional<XmlElement> features = root.child("features");
        if (features.isEmpty()) {
            return Features.absent();
        }
        XmlElement element = features.get();
        Optional<HyperV> hyperv = element.child("hyperv").map(h -> {
            Optional<XmlElement> vendorId = h.child("vendor_id");
            List<String> enabled = h.children().stream()
                    .filter(e -> e.attributeValue("state").map("on"::equals).orElse(false))
                    .map(XmlElement::qualifiedName)
                    .toList();
            return new HyperV(h, h.attributeValue("mode"), vendorId, vendorId.flatMap(e -> e.attributeValue("state")),
                    vendorId.flatMap(e -> e.attributeValue("value")), enabled);
        });
        Optional<XmlElement> kvm = element.child("kvm");
        return new Features(features, element.child("acpi"), element.child("apic"),
                element.child("ioapic").flatMap(e -> e.attributeValue("driver")), hyperv, kvm,
                kvm.flatMap(e -> e.child("hidden")).flatMap(e -> e.attributeValue("state")),
                element.child("smm").map(e -> e.attributeValue("state").orElse("on")));
    }

    private Controller controller(XmlElement element) {
        Optional<XmlElement> target = element.child("target");
        Optional<Sized> hole = element.child("pcihole64").flatMap(e -> size(e, e.text(),
                e.attributeValue("unit").orElse(null)).map(size -> new Sized(size, e)));
        return new Controller(element, element.attributeValue("type").orElse(""), intAttribute(element, "index"),
                element.attributeValue("model"), target, target.flatMap(t -> intAttribute(t, "chassis")),
                target.flatMap(t -> intAttribute(t, "port")), target.flatMap(t -> t.attributeValue("hotplug")), hole,
                guestAddress(element), alias(element));
    }

    private Hostdev hostdev(XmlElement element) {
        Optional<PciAddress> source = element.child("source", "address").flatMap(this::pciAddress);
        Optional<Rom> rom = element.child("rom").map(e -> new Rom(e, e.attributeValue("bar"),
                e.attributeValue("file"), e.attributeValue("enabled")));
        Optional<XmlElement> alias = element.child("alias");
        return new Hostdev(element, element.attributeValue("mode").orElse("subsystem"),
                element.attributeValue("type").orElse(""), element.attributeValue("managed"), source,
                guestAddress(element), rom, alias, alias.flatMap(e -> e.attributeValue("name")),
                element.child("driver").flatMap(e -> e.attributeValue("name")));
    }

    private MemoryDevice memoryDevice(XmlElement element) {
        Optional<XmlElement> target = element.child("target");
        Optional<MemorySize> size = target.flatMap(t -> t.child("size"))
                .flatMap(e -> size(e, e.text(), e.attributeValue("unit").orElse(null)));
        Optional<Integer> node = target.flatMap(t -> t.child("node")).flatMap(e -> unsignedInt(e, e.text()));
        return new MemoryDevice(element, element.attributeValue("model").orElse(""), size, node);
    }

    private Iommu iommu(XmlElement element) {
        Optional<XmlElement> driver = element.child("driver");
        return new Iommu(element, element.attributeValue("model").orElse(""), driver,
                driver.flatMap(e -> intAttribute(e, "aw_bits")), driver.flatMap(e -> e.attributeValue("caching_mode")),
                driver.flatMap(e -> e.attributeValue("intremap")), driver.flatMap(e -> e.attributeValue("eim")),
                driver.flatMap(e -> e.attributeValue("iotlb")));
    }

    private List<FwCfgEntry> fwCfgEntries(XmlElement root) {
        List<FwCfgEntry> entries = new ArrayList<>();
        for (XmlElement sysinfo : root.children("sysinfo")) {
            if (!sysinfo.attributeValue("type").map("fwcfg"::equals).orElse(false)) {
                continue;
            }
            for (XmlElement entry : sysinfo.children("entry")) {
                entries.add(new FwCfgEntry(entry, entry.attributeValue("name").orElse(""), nonEmpty(entry.text()),
                        entry.attributeValue("file")));
            }
        }
        return List.copyOf(entries);
    }

    private List<QemuBlock> qemuBlocks(XmlElement root) {
        List<QemuBlock> blocks = new ArrayList<>();
        for (XmlElement child : root.children()) {
            QemuBlock.Kind kind = switch (child.localName()) {
                case "commandline" -> QemuBlock.Kind.COMMANDLINE;
                case "override" -> QemuBlock.Kind.OVERRIDE;
                default -> null;
            };
            if (kind == null) {
                continue;
            }
            QemuBlock.Binding binding = binding(child);
            // Other namespaces' commandline elements are not libvirt's business unless they look like ours.
            if (binding == QemuBlock.Binding.OTHER_NAMESPACE && !child.prefix().equals("qemu")) {
                continue;
            }
            List<QemuArg> args = childrenNamed(child, "arg").stream()
                    .map(e -> new QemuArg(e, e.attributeValue("value").orElse("")))
                    .toList();
            List<QemuEnv> env = childrenNamed(child, "env").stream()
                    .map(e -> new QemuEnv(e, e.attributeValue("name").orElse(""), e.attributeValue("value")))
                    .toList();
            List<QemuDeviceOverride> devices = childrenNamed(child, "device").stream()
                    .map(device -> new QemuDeviceOverride(device, device.attributeValue("alias").orElse(""),
                            childrenNamed(device, "frontend").stream()
                                    .flatMap(frontend -> childrenNamed(frontend, "property").stream())
                                    .map(p -> new QemuProperty(p, p.attributeValue("name").orElse(""),
                                            p.attributeValue("type"), p.attributeValue("value")))
                                    .toList()))
                    .toList();
            blocks.add(new QemuBlock(child, kind, binding, args, env, devices));
        }
        return List.copyOf(blocks);
    }

    private static QemuBlock.Binding binding(XmlElement element) {
        String uri = element.namespaceUri();
        if (uri.equals(DomainDef.QEMU_NAMESPACE)) {
            return QemuBlock.Binding.BOUND;
        }
        if (XmlDocument.isUndeclaredNamespace(uri)) {
            return QemuBlock.Binding.UNDECLARED_PREFIX;
        }
        return uri.isEmpty() ? QemuBlock.Binding.NO_NAMESPACE : QemuBlock.Binding.OTHER_NAMESPACE;
    }

    /** Children by local name in the parent's own namespace, which is how the qemu elements nest. */
    private static List<XmlElement> childrenNamed(XmlElement parent, String localName) {
        return parent.children().stream()
                .filter(e -> e.localName().equals(localName) && e.namespaceUri().equals(parent.namespaceUri()))
                .toList();
    }

    private static Optional<String> osinfoId(XmlElement metadata) {
        for (XmlElement child : metadata.children()) {
            if (child.isInNamespace(DomainDef.LIBOSINFO_NAMESPACE) && child.localName().equals("libosinfo")) {
                for (XmlElement os : child.children()) {
                    if (os.localName().equals("os")) {
                        return os.attributeValue("id");
                    }
                }
            }
        }
        return Optional.empty();
    }

    private Optional<GuestPciAddress> guestAddress(XmlElement device) {
        Optional<XmlElement> address = device.child("address");
        if (address.isEmpty() || !address.get().attributeValue("type").map("pci"::equals).orElse(false)) {
            return Optional.empty();
        }
        XmlElement element = address.get();
        return pciAddress(element).map(pci -> new GuestPciAddress(element, pci,
                element.attributeValue("multifunction").map("on"::equals).orElse(false)));
    }

    private Optional<PciAddress> pciAddress(XmlElement address) {
        try {
            return Optional.of(new PciAddress(
                    PciAddress.component(address.attributeValue("domain").orElse(null), "domain", 0xFFFF),
                    PciAddress.component(address.attributeValue("bus").orElse(null), "bus", 0xFF),
                    PciAddress.component(address.attributeValue("slot").orElse(null), "slot", 0x1F),
                    PciAddress.component(address.attributeValue("function").orElse(null), "function", 7)));
        } catch (InvalidValueException e) {
            problem(address, address.startTag(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<String> alias(XmlElement device) {
        return device.child("alias").flatMap(e -> e.attributeValue("name"));
    }

    private Optional<Integer> intAttribute(XmlElement element, String name) {
        return element.attribute(name).flatMap(attribute -> unsignedInt(element, attribute));
    }

    private Optional<Integer> unsignedInt(XmlElement element, XmlAttribute attribute) {
        Optional<Integer> parsed = parseUnsigned(attribute.value());
        if (parsed.isEmpty()) {
            problem(element, attribute.valueSpan(),
                    attribute.qualifiedName() + "='" + attribute.value() + "' is not an unsigned integer");
        }
        return parsed;
    }

    private Optional<Integer> unsignedInt(XmlElement element, String text) {
        Optional<Integer> parsed = parseUnsigned(text);
        if (parsed.isEmpty()) {
            problem(element, element.startTag(),
                    "<" + element.qualifiedName() + ">" + text + "</...> is not an unsigned integer");
        }
        return parsed;
    }

    /** libvirt reads these numbers with strtol base 0, so {@code 0x8} and {@code 010} are valid. */
    private static Optional<Integer> parseUnsigned(String text) {
        try {
            return Optional.of(PciAddress.component(text, "value", Integer.MAX_VALUE));
        } catch (InvalidValueException e) {
            return Optional.empty();
        }
    }

    private void problem(XmlElement element, Span span, String message) {
        problems.add(new ModelProblem(element, span, message));
    }

    private static Optional<String> nonEmpty(String text) {
        return text == null || text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
}
