package dev.virtlint.rules.qemu;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.domain.Controller;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.QemuOptions;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.qemu.QemuCommandLine.Item;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL502", name = "qemu-arg-has-native-element", severity = Severity.INFO, family = Family.QEMU,
        summary = "A qemu:commandline argument the target libvirt can express with its own XML, without tainting the domain")
public final class QemuArgHasNativeElement implements Rule {
    private static final Pattern SIZE = Pattern.compile("(\\d+)([bBkKmMgGtTpPeE]?)");
    private static final List<String> BEFORE_OS_ACPI = List.of("type", "firmware", "loader", "nvram", "kernel", "initrd",
            "cmdline", "dtb");
    private static final List<String> BEFORE_SYSINFO = List.of("name", "uuid", "genid", "title", "description", "metadata",
            "maxMemory", "memory", "currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
            "iothreadids", "cputune", "numatune", "resource");
    private static final List<String> BEFORE_INPUT = List.of("emulator", "disk", "controller", "lease", "filesystem",
            "interface", "smartcard", "serial", "parallel", "console", "channel", "input");
    private static final List<String> BEFORE_CONTROLLER = List.of("emulator", "disk", "controller");

    /** What one argument maps to: the element, the libvirt version that has it, and the move when it is mechanical. */
    private record Native(String element, int major, int minor, Optional<List<TextEdit>> additions) {
    }

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        TargetStack stack = context.platform().stack();
        List<Finding> findings = new ArrayList<>();
        for (Item item : QemuCommandLine.of(domain)) {
            if (item.value().isEmpty() || item.optionName().isEmpty()) {
                continue;
            }
            String value = item.value().get().value();
            Optional<Native> mapped = switch (item.optionName().get()) {
                case "global" -> pciHole64(context, value);
                case "acpitable" -> acpiTable(context, value);
                case "object" -> evdevInput(context, value);
                case "fw_cfg" -> fwCfg(context, value);
                default -> Optional.empty();
            };
            if (mapped.isPresent() && stack.libvirtAtLeast(mapped.get().major(), mapped.get().minor())) {
                findings.add(movable(context, item, mapped.get()));
                continue;
            }
            if (item.is("cpu")) {
                cpu(context, item).ifPresent(findings::add);
            } else if (item.is("device") && value.startsWith("vfio-pci,")) {
                findings.add(context.finding(this, item.arg().element(), "-device " + value + " assigns a host PCI"
                                + " device behind libvirt's back: a <hostdev mode='subsystem' type='pci'> does the same,"
                                + " and libvirt then detaches the device from its host driver, gives QEMU access to it"
                                + " and puts it back afterwards. Every qemu:commandline argument also marks the domain"
                                + " tainted (custom-argv)")
                        .data("native", "<hostdev mode='subsystem' type='pci'>")
                        .build());
            }
        }
        return findings;
    }

    private Finding movable(LintContext context, Item item, Native mapped) {
        String arg = "-" + item.optionName().get() + " " + item.value().get().value();
        String message = arg + " has a libvirt element: " + mapped.element() + " (libvirt " + mapped.major() + "."
                + mapped.minor() + " and later) makes libvirt pass the same argument to QEMU. Every qemu:commandline"
                + " argument marks the domain tainted (custom-argv, in the domain log), and libvirt validates none of them";
        Fix fix = mapped.additions().map(additions -> {
            List<TextEdit> edits = new ArrayList<>(additions);
            edits.addAll(QemuEdits.removeArgs(context.domain(), List.of(item.arg(), item.value().get())));
            return Fix.unsafe("move " + arg + " to " + mapped.element(), edits);
        }).orElse(null);
        return context.finding(this, item.arg().element(), message)
                .data("native", mapped.element())
                .fix(fix)
                .build();
    }

    /** {@code -global q35-pcihost.pci-hole64-size=…} (or the driver=,property=,value= spelling) → {@code <pcihole64>}. */
    private static Optional<Native> pciHole64(LintContext context, String value) {
        String driver;
        String size;
        Map<String, String> keyed = QemuCommandLine.keyed(value);
        if (keyed.containsKey("driver")) {
            driver = keyed.get("driver");
            if (!"pci-hole64-size".equals(keyed.get("property")) || !keyed.containsKey("value")) {
                return Optional.empty();
            }
            size = keyed.get("value");
        } else {
            int equals = value.indexOf('=');
            if (equals < 0 || !value.substring(0, equals).endsWith(".pci-hole64-size")) {
                return Optional.empty();
            }
            driver = value.substring(0, value.indexOf('.'));
            size = value.substring(equals + 1);
        }
        String model = switch (driver) {
            case "q35-pcihost" -> "pcie-root";
            case "i440FX-pcihost" -> "pci-root";
            default -> null;
        };
        if (model == null) {
            return Optional.empty();
        }
        String element = "<pcihole64> in <controller type='pci' index='0' model='" + model + "'>";
        Optional<BigInteger> kib = bytes(size).filter(b -> b.mod(BigInteger.valueOf(1024)).signum() == 0)
                .map(b -> b.divide(BigInteger.valueOf(1024)));
        DomainDef domain = context.domain();
        Optional<Controller> root = domain.rootPciController();
        if (kib.isEmpty() || domain.devices().isEmpty() || root.flatMap(Controller::pciHole64).isPresent()
                || root.flatMap(Controller::model).filter(m -> !m.equals(model)).isPresent()) {
            return Optional.of(new Native(element, 1, 1, Optional.empty()));
        }
        char q = Edits.quoteOf(domain.document());
        String hole = "<pcihole64 unit=" + q + "KiB" + q + ">" + kib.get() + "</pcihole64>";
        SourceText source = domain.document().source();
        TextEdit edit = root.isPresent()
                ? Edits.insertChild(source, root.get().element(), hole, List.of("model", "target"))
                : Edits.insertChildBlock(source, domain.devices().get(), "<controller type=" + q + "pci" + q + " index=" + q
                        + "0" + q + " model=" + q + model + q + ">\n\t" + hole + "\n</controller>", BEFORE_CONTROLLER);
        return Optional.of(new Native(element, 1, 1, Optional.of(List.of(edit))));
    }

    /** A QEMU size: digits with an optional binary suffix; a bare number is bytes. */
    private static Optional<BigInteger> bytes(String size) {
        Matcher matcher = SIZE.matcher(size);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int shift = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            case "P" -> 50;
            case "E" -> 60;
            default -> 0;
        };
        return Optional.of(new BigInteger(matcher.group(1)).shiftLeft(shift));
    }

    /** {@code -acpitable file=PATH} → {@code <table type='raw'>}; with {@code sig=SLIC} or {@code sig=MSDM} their own types. */
    private static Optional<Native> acpiTable(LintContext context, String value) {
        Map<String, String> keyed = QemuCommandLine.keyed(value);
        String file = keyed.get("file");
        String sig = keyed.getOrDefault("sig", "");
        int expected = keyed.containsKey("sig") ? 2 : 1;
        if (file == null || keyed.size() != expected || file.contains(":") || !file.startsWith("/")) {
            return Optional.empty();
        }
        String type;
        int major;
        int minor;
        switch (sig) {
            case "" -> {
                type = "raw";
                major = 11;
                minor = 2;
            }
            case "SLIC" -> {
                type = "slic";
                major = 1;
                minor = 3;
            }
            case "MSDM" -> {
                type = "msdm";
                major = 11;
                minor = 2;
            }
            default -> {
                return Optional.empty();
            }
        }
        DomainDef domain = context.domain();
        char q = Edits.quoteOf(domain.document());
        String element = "<os><acpi><table type='" + type + "'>";
        String table = "<table type=" + q + type + q + ">" + escapeText(file) + "</table>";
        Optional<XmlElement> os = domain.root().child("os");
        if (os.isEmpty()) {
            return Optional.of(new Native(element, major, minor, Optional.empty()));
        }
        Optional<XmlElement> acpi = os.get().child("acpi");
        boolean typeTaken = acpi.map(a -> a.children("table").stream()
                .anyMatch(t -> t.attributeValue("type").map(type::equals).orElse(false))).orElse(false);
        if (typeTaken && !type.equals("raw")) {
            return Optional.of(new Native(element, major, minor, Optional.empty()));
        }
        SourceText source = domain.document().source();
        TextEdit edit = acpi.isPresent()
                ? Edits.appendChild(source, acpi.get(), table)
                : Edits.insertChildBlock(source, os.get(), "<acpi>\n\t" + table + "\n</acpi>", BEFORE_OS_ACPI);
        return Optional.of(new Native(element, major, minor, Optional.of(List.of(edit))));
    }

    /** {@code -object input-linux,id=…,evdev=PATH,grab_all=on,repeat=on} → {@code <input type='evdev'>}. */
    private static Optional<Native> evdevInput(LintContext context, String value) {
        List<String> parts = QemuOptions.split(value);
        if (!parts.get(0).equals("input-linux") && !parts.get(0).equals("qom-type=input-linux")) {
            return Optional.empty();
        }
        Map<String, String> keyed = QemuCommandLine.keyed(value);
        String element = "<input type='evdev'>";
        String dev = keyed.get("evdev");
        boolean onlyKnown = keyed.keySet().stream().allMatch(k -> List.of("qom-type", "id", "evdev", "grab_all", "repeat",
                "grab-toggle").contains(k));
        DomainDef domain = context.domain();
        if (dev == null || !onlyKnown || domain.devices().isEmpty()) {
            return Optional.of(new Native(element, 7, 4, Optional.empty()));
        }
        char q = Edits.quoteOf(domain.document());
        StringBuilder source = new StringBuilder("<source dev=" + q + Edits.escapeAttribute(dev, q) + q);
        if (isOn(keyed.get("grab_all"))) {
            source.append(" grab=").append(q).append("all").append(q);
        }
        if (keyed.containsKey("repeat")) {
            source.append(" repeat=").append(q).append(isOn(keyed.get("repeat")) ? "on" : "off").append(q);
        }
        if (keyed.containsKey("grab-toggle")) {
            source.append(" grabToggle=").append(q).append(Edits.escapeAttribute(keyed.get("grab-toggle"), q)).append(q);
        }
        source.append("/>");
        String input = "<input type=" + q + "evdev" + q + ">\n\t" + source + "\n</input>";
        return Optional.of(new Native(element, 7, 4, Optional.of(List.of(
                Edits.insertChildBlock(domain.document().source(), domain.devices().get(), input, BEFORE_INPUT)))));
    }

    /**
     * {@code -fw_cfg [name=]opt/…,string=…|file=…} → {@code <sysinfo type='fwcfg'>}, except the names libvirt
     * reserves ({@code opt/ovmf/}, {@code opt/org.qemu/}), which only qemu:commandline can pass.
     */
    private static Optional<Native> fwCfg(LintContext context, String value) {
        List<String> parts = QemuOptions.split(value);
        String name = parts.get(0).startsWith("name=") ? parts.get(0).substring(5) : parts.get(0);
        Map<String, String> keyed = QemuCommandLine.keyed(String.join(",", parts.subList(1, parts.size())));
        if (!name.startsWith("opt/") || name.startsWith("opt/ovmf/") || name.startsWith("opt/org.qemu/")
                || keyed.size() != 1 || !(keyed.containsKey("string") || keyed.containsKey("file"))) {
            return Optional.empty();
        }
        DomainDef domain = context.domain();
        char q = Edits.quoteOf(domain.document());
        String entry = keyed.containsKey("string")
                ? "<entry name=" + q + Edits.escapeAttribute(name, q) + q + ">" + escapeText(keyed.get("string")) + "</entry>"
                : "<entry name=" + q + Edits.escapeAttribute(name, q) + q + " file=" + q
                        + Edits.escapeAttribute(keyed.get("file"), q) + q + "/>";
        SourceText source = domain.document().source();
        Optional<XmlElement> sysinfo = domain.root().children("sysinfo").stream()
                .filter(s -> s.attributeValue("type").map("fwcfg"::equals).orElse(false))
                .findFirst();
        TextEdit edit = sysinfo.isPresent()
                ? Edits.appendChild(source, sysinfo.get(), entry)
                : Edits.insertChildBlock(source, domain.root(), "<sysinfo type=" + q + "fwcfg" + q + ">\n\t" + entry
                        + "\n</sysinfo>", BEFORE_SYSINFO);
        return Optional.of(new Native("<sysinfo type='fwcfg'><entry>", 6, 5, Optional.of(List.of(edit))));
    }

    /** Properties of a user -cpu that libvirt has elements for; the argument itself replaces libvirt's whole -cpu. */
    private Optional<Finding> cpu(LintContext context, Item item) {
        String value = item.value().get().value();
        TargetStack stack = context.platform().stack();
        Map<String, String> covered = new LinkedHashMap<>();
        List<String> parts = QemuOptions.split(value);
        if (parts.get(0).equals("host")) {
            covered.put("host", "<cpu mode='host-passthrough'>");
        }
        List<String> enlightenments = new ArrayList<>();
        for (String part : parts.subList(1, parts.size())) {
            String key = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
            String setting = part.contains("=") ? part.substring(part.indexOf('=') + 1) : "";
            if (key.equals("kvm") && setting.equals("off")) {
                covered.put(part, "<kvm><hidden state='on'/>");
            } else if (key.equals("hv-vendor-id") || key.equals("hv_vendor_id")) {
                covered.put(part, "<hyperv><vendor_id state='on' value='" + setting + "'/>");
            } else if (key.equals("phys-bits") && stack.libvirtAtLeast(8, 7)) {
                covered.put(part, "<maxphysaddr mode='emulate' bits='" + setting + "'/>");
            } else if (key.equals("host-phys-bits") && isOn(setting) && stack.libvirtAtLeast(8, 7)) {
                covered.put(part, "<maxphysaddr mode='passthrough'/>");
            } else if (key.startsWith("hv-") || key.startsWith("hv_")) {
                enlightenments.add(part);
            }
        }
        if (!enlightenments.isEmpty()) {
            covered.put(String.join(",", enlightenments), "<hyperv> enlightenments");
        }
        if (covered.isEmpty()) {
            return Optional.empty();
        }
        List<String> mappings = new ArrayList<>();
        covered.forEach((part, element) -> mappings.add(part + " → " + element));
        String message = "-cpu " + value + " replaces the whole -cpu libvirt builds from <cpu> and <features>, and libvirt"
                + " has elements for " + String.join("; ", mappings) + ". Written there, libvirt checks them against the"
                + " host and the domain is not tainted (custom-argv)";
        return Optional.of(context.finding(this, item.arg().element(), message)
                .data("native", String.join(", ", covered.values()))
                .build());
    }

    private static boolean isOn(String value) {
        return value != null && List.of("on", "yes", "true").contains(value.toLowerCase(Locale.ROOT));
    }

    private static String escapeText(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;");
    }
}
