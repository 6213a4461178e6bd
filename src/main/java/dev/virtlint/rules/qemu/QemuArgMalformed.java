package dev.virtlint.rules.qemu;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.domain.QemuOptions;
import dev.virtlint.platform.MachineFamily;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.gpu.Gpus;
import dev.virtlint.rules.gpu.GuestSlots;
import dev.virtlint.rules.qemu.QemuCommandLine.Item;
import dev.virtlint.rules.qemu.QemuCommandLine.SetTarget;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL503", name = "qemu-arg-malformed", severity = Severity.ERROR, family = Family.QEMU,
        summary = "A qemu:commandline argument QEMU rejects at start: unknown option or device, missing value, bad JSON, unreachable -set or bus")
public final class QemuArgMalformed implements Rule {

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        List<Item> items = QemuCommandLine.of(domain);
        if (items.isEmpty()) {
            return List.of();
        }
        Version tableVersion = QemuOptionTable.qemuVersion();
        Version target = context.platform().qemu().version();
        boolean tableMatches = target.series().equals(tableVersion);
        String qemu = "QEMU " + target.series();
        List<Finding> findings = new ArrayList<>();
        boolean previousSwallowedAnOption = false;
        for (Item item : items) {
            String arg = item.arg().value();
            boolean afterSwallowed = previousSwallowedAnOption;
            previousSwallowedAnOption = swallowsAnOption(item);
            if (item.optionName().isEmpty()) {
                if (afterSwallowed) {
                    // The value of the option the previous one swallowed: one mistake, reported once.
                    continue;
                }
                findings.add(context.finding(this, item.arg().element(), qemu + " takes the bare argument '" + arg
                                + "' as a disk image (an argument that is no option means -hda) and refuses to start"
                                + " unless a file of that name exists: \"" + arg + ": Could not open '" + arg
                                + "': No such file or directory\"")
                        .data("argument", arg)
                        .build());
                continue;
            }
            String name = item.optionName().get();
            if (item.known().isEmpty()) {
                unknownOption(context, item, qemu, tableMatches).ifPresent(findings::add);
                continue;
            }
            QemuOptionTable.Option option = item.known().get();
            if (!option.forX86()) {
                findings.add(context.finding(this, item.arg().element(), qemu + " refuses to start: -" + name
                                + " exists only for other targets than x86 (\"" + arg
                                + ": Option not supported for this target\")")
                        .data("option", name)
                        .build());
                continue;
            }
            if (!option.takesValue()) {
                continue;
            }
            if (item.value().isEmpty()) {
                findings.add(context.finding(this, item.arg().element(), "-" + name + " takes a value but is the last"
                                + " qemu:commandline argument: libvirt puts its own closing arguments (-sandbox …, -msg"
                                + " timestamp=on) after these, so " + qemu + " takes -sandbox as the value of -" + name
                                + " and refuses to start (\"" + arg + " -sandbox: …\")")
                        .data("option", name)
                        .build());
                continue;
            }
            valueProblem(context, items, item, option, qemu).ifPresent(findings::add);
        }
        return findings;
    }

    private Optional<Finding> unknownOption(LintContext context, Item item, String qemu, boolean tableMatches) {
        String arg = item.arg().value();
        Optional<Split> split = splitOptionAndValue(arg);
        if (split.isPresent()) {
            String how = split.get().separator().equals("=") ? "'=' between them" : "a space between them";
            return Optional.of(context.finding(this, item.arg().element(), "one <qemu:arg> holds both -"
                            + split.get().option() + " and its value, with " + how + ": libvirt passes each <qemu:arg>"
                            + " to QEMU as a single argument, so " + qemu + " refuses to start with \"" + arg
                            + ": invalid option\". Give the option and its value one <qemu:arg> each")
                    .data("option", split.get().option())
                    .fix(Fix.safe("split into -" + split.get().option() + " and its value", List.of(
                            Edits.setAttribute(context.domain().document(), item.arg().element(), "value",
                                    "-" + split.get().option()),
                            QemuEdits.insertArgsAfter(context.domain(), item.arg(), List.of(split.get().value())))))
                    .build());
        }
        if (!tableMatches) {
            context.couldNotCheck(this, "whether QEMU " + context.platform().qemu().version().series()
                    + " has the option " + arg + " (virt-lint knows the options of QEMU " + QemuOptionTable.qemuVersion()
                    + ")");
            return Optional.empty();
        }
        return Optional.of(context.finding(this, item.arg().element(), qemu + " has no option " + arg
                        + ", so it refuses to start: \"" + arg + ": invalid option\"")
                .data("option", item.optionName().get())
                .build());
    }

    private record Split(String option, String separator, String value) {
    }

    /** "-cpu host,kvm=off" or "-m=4G": a known option that takes a value, glued to its value. */
    private static Optional<Split> splitOptionAndValue(String arg) {
        int cut = -1;
        for (int i = 0; i < arg.length(); i++) {
            if (Character.isWhitespace(arg.charAt(i)) || arg.charAt(i) == '=') {
                cut = i;
                break;
            }
        }
        if (cut < 0) {
            return Optional.empty();
        }
        Optional<String> name = QemuCommandLine.optionName(arg.substring(0, cut));
        String value = arg.substring(cut + 1).strip();
        if (name.isEmpty() || value.isEmpty()
                || !name.flatMap(QemuOptionTable::find).map(QemuOptionTable.Option::takesValue).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(new Split(name.get(), arg.charAt(cut) == '=' ? "=" : " ", value));
    }

    private static boolean swallowsAnOption(Item item) {
        return item.valueText().flatMap(QemuCommandLine::optionName).flatMap(QemuOptionTable::find).isPresent();
    }

    private Optional<Finding> valueProblem(LintContext context, List<Item> items, Item item,
                                           QemuOptionTable.Option option, String qemu) {
        QemuArg value = item.value().get();
        String name = option.name();
        if (swallowsAnOption(item)) {
            return Optional.of(context.finding(this, item.arg().element(), "-" + name + " has no value: " + qemu
                            + " takes the next argument, " + value.value() + ", as the value of -" + name
                            + " and fails on it")
                    .data("option", name)
                    .data("swallowed", value.value())
                    .build());
        }
        if (option.json() && value.value().startsWith("{")) {
            Optional<String> problem = QemuJson.problem(value.value());
            if (problem.isPresent()) {
                return Optional.of(context.finding(this, value.element(), qemu + " refuses to start: this -" + name
                                + " value starts with '{', so QEMU reads it as JSON, and it is not valid JSON ("
                                + problem.get() + "); QEMU says \"JSON parse error\"")
                        .data("option", name)
                        .data("problem", problem.get())
                        .build());
            }
        }
        if (name.equals("set")) {
            return setProblem(context, items, item, qemu);
        }
        if (name.equals("device") && !value.value().startsWith("{")) {
            return keyValueDeviceProblem(context, items, item, qemu);
        }
        return Optional.empty();
    }

    /**
     * QEMU creates key=value devices before JSON ones. Once libvirt passes its own devices as JSON, a key=value
     * device from qemu:commandline comes first: the buses libvirt's devices provide do not exist yet, and a PCI
     * device without an address takes the first free slot of the root bus, which libvirt has given to one of its
     * own devices.
     */
    private Optional<Finding> keyValueDeviceProblem(LintContext context, List<Item> items, Item item, String qemu) {
        QemuArg value = item.value().get();
        Map<String, String> properties = QemuCommandLine.keyed(value.value());
        String model = properties.getOrDefault("driver", QemuOptions.split(value.value()).get(0));
        if (model.contains("help") || model.contains("=")) {
            return Optional.empty();
        }
        boolean tableMatches = context.platform().qemu().version().series().equals(QemuOptionTable.qemuVersion());
        if (!QemuDeviceTable.isKnown(model)) {
            return tableMatches ? Optional.of(context.finding(this, value.element(), qemu + " has no device model '"
                            + model + "', so it refuses to start: \"'" + model + "' is not a valid device model name\"")
                    .data("model", model)
                    .build()) : Optional.empty();
        }
        if (!QemuCommandLine.devicesAreJson(context.platform().stack())) {
            return Optional.empty();
        }
        String json = "libvirt " + context.platform().stack().libvirt() + " passes its own devices as JSON, which QEMU"
                + " creates after key=value ones like this";
        String remedy = ". Write this -device as JSON ({\"driver\":\"" + model + "\",…}), which QEMU creates after"
                + " libvirt's devices";
        List<Item> earlier = earlierKeyValueDevices(items, item);
        Optional<String> bus = Optional.ofNullable(properties.get("bus"));
        if (bus.isPresent()) {
            boolean libvirtBus = bus.get().matches("pci\\.[1-9]\\d*") || bus.get().startsWith("usb");
            boolean ownBus = earlier.stream().anyMatch(d -> bus.get().startsWith(QemuCommandLine.keyed(d.valueText().get())
                    .getOrDefault("id", "\u0000")));
            if (libvirtBus && !ownBus) {
                return Optional.of(context.finding(this, value.element(), qemu + " refuses to start: \"-device "
                                + value.value() + ": Bus '" + bus.get() + "' not found\": " + bus.get() + " is a bus of"
                                + " libvirt's, and " + json + remedy)
                        .data("model", model)
                        .build());
            }
            if (!bus.get().equals("pcie.0") && !bus.get().equals("pci.0")) {
                return Optional.empty();
            }
        }
        Optional<String> modelBus = QemuDeviceTable.busOf(model);
        if (modelBus.map(QemuDeviceTable.USB::equals).orElse(false) && bus.isEmpty()
                && earlier.stream().noneMatch(d -> isUsbController(QemuCommandLine.keyed(d.valueText().get()), d))) {
            return Optional.of(context.finding(this, value.element(), qemu + " refuses to start: \"-device "
                            + value.value() + ": No 'usb-bus' bus found for device '" + model + "'\": the USB"
                            + " controller is libvirt's, and " + json + remedy)
                    .data("model", model)
                    .build());
        }
        if (!modelBus.map(QemuDeviceTable.PCI::equals).orElse(false)) {
            return Optional.empty();
        }
        OptionalInt slot = rootSlotOf(context, earlier, properties);
        if (slot.isEmpty()) {
            return Optional.empty();
        }
        Optional<XmlElement> taken = GuestSlots.deviceAt(context.domain(), 0, 0, slot.getAsInt(), GuestSlots.ANY_FUNCTION, null);
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        String id = properties.containsKey("id") ? ",id=" + properties.get("id") : "";
        return Optional.of(context.finding(this, value.element(), qemu + " refuses to start: this " + model
                        + " takes slot " + slot.getAsInt() + " of the root PCI bus, where the domain has "
                        + describe(taken.get()) + " (\"PCI: slot " + slot.getAsInt() + " function 0 not available for …,"
                        + " in use by " + model + id + "\"): " + json + remedy)
                .data("model", model)
                .data("slot", slot.getAsInt())
                .build());
    }

    private static List<Item> earlierKeyValueDevices(List<Item> items, Item item) {
        List<Item> earlier = new ArrayList<>();
        for (Item other : items) {
            if (other == item) {
                break;
            }
            if (other.is("device") && other.valueText().filter(v -> !v.startsWith("{")).isPresent()) {
                earlier.add(other);
            }
        }
        return earlier;
    }

    private static boolean isUsbController(Map<String, String> properties, Item device) {
        String model = properties.getOrDefault("driver", QemuOptions.split(device.valueText().get()).get(0));
        return model.contains("xhci") || model.contains("ehci") || model.contains("uhci") || model.contains("ohci");
    }

    /**
     * The root-bus slot the device lands on: its {@code addr}, or the first slot free when QEMU creates it: slot 0 is
     * the host bridge everywhere, slot 1 the PIIX3 on i440fx, 0x1f the ICH9 functions on q35, and earlier key=value
     * PCI devices without an address took the slots before.
     */
    private static OptionalInt rootSlotOf(LintContext context, List<Item> earlier, Map<String, String> properties) {
        if (properties.containsKey("addr")) {
            return slotNumber(properties.get("addr"));
        }
        boolean q35 = context.platform().machine().map(m -> m.family() == MachineFamily.Q35)
                .orElse(context.platform().machineName().contains("q35"));
        int slot = q35 ? 1 : 2;
        for (Item device : earlier) {
            Map<String, String> earlierProperties = QemuCommandLine.keyed(device.valueText().get());
            String model = earlierProperties.getOrDefault("driver",
                    QemuOptions.split(device.valueText().get()).get(0));
            boolean onRoot = !earlierProperties.containsKey("bus") || earlierProperties.get("bus").equals("pcie.0")
                    || earlierProperties.get("bus").equals("pci.0");
            if (onRoot && !earlierProperties.containsKey("addr")
                    && QemuDeviceTable.busOf(model).map(QemuDeviceTable.PCI::equals).orElse(false)) {
                slot++;
            }
        }
        return slot < 0x1f ? OptionalInt.of(slot) : OptionalInt.empty();
    }

    /** {@code addr=0x9}, {@code addr=9} or {@code addr=09.0}: QEMU reads the slot in hexadecimal. */
    private static OptionalInt slotNumber(String addr) {
        String slot = addr.contains(".") ? addr.substring(0, addr.indexOf('.')) : addr;
        try {
            return OptionalInt.of(Integer.parseInt(slot.startsWith("0x") ? slot.substring(2) : slot, 16));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static String describe(XmlElement device) {
        StringBuilder text = new StringBuilder("<").append(device.qualifiedName());
        for (String attribute : List.of("type", "index", "model")) {
            device.attributeValue(attribute).ifPresent(v -> text.append(' ').append(attribute).append("='").append(v)
                    .append('\''));
        }
        return text.append('>').toString();
    }

    private Optional<Finding> setProblem(LintContext context, List<Item> items, Item item, String qemu) {
        QemuArg value = item.value().get();
        Optional<SetTarget> target = QemuCommandLine.parseSet(value.value());
        if (target.isEmpty()) {
            return Optional.of(context.finding(this, value.element(), qemu + " refuses to start: -set wants"
                            + " group.id.property=value, and '" + value.value() + "' is not in that form (\"can't parse\")")
                    .build());
        }
        SetTarget set = target.get();
        TargetStack stack = context.platform().stack();
        if (!set.group().equals("device") || !QemuCommandLine.devicesAreJson(stack)
                || QemuCommandLine.keyValueDeviceIdsBefore(items, item).contains(set.id())) {
            return Optional.empty();
        }
        DomainDef domain = context.domain();
        Optional<Hostdev> hostdev = DeviceAliases.autoHostdev(domain, set.id()).flatMap(DeviceAliases.AutoHostdev::hostdev);
        String device = hostdev.flatMap(Hostdev::source).map(s -> " (the host device " + s.bdf() + ")").orElse("");
        String message = qemu + " refuses to start: \"-set " + value.value() + ": there is no device \"" + set.id()
                + "\" defined\". libvirt " + stack.libvirt() + " passes its devices" + device + " to QEMU as JSON"
                + " -device arguments, and -set only reaches devices given as key=value. Use <qemu:override>"
                + " (libvirt 8.2 and later) to set " + set.property() + " on " + set.id();
        return Optional.of(context.finding(this, value.element(), message)
                .data("id", set.id())
                .data("property", set.property())
                .fix(moveToOverride(context, items, item, set, hostdev).orElse(null))
                .build());
    }

    /**
     * The {@code -set} pairs aimed at the same device move together into one {@code qemu:override}; an automatic
     * hostdev alias is replaced by a user alias on the way, so the override stays on that device.
     */
    private Optional<Fix> moveToOverride(LintContext context, List<Item> items, Item item, SetTarget set,
                                         Optional<Hostdev> hostdev) {
        if (!context.platform().stack().libvirtAtLeast(8, 2)) {
            return Optional.empty();
        }
        DomainDef domain = context.domain();
        List<QemuArg> moved = new ArrayList<>();
        List<QemuEdits.Property> properties = new ArrayList<>();
        for (Item other : items) {
            Optional<SetTarget> otherSet = other.is("set") ? other.valueText().flatMap(QemuCommandLine::parseSet)
                    : Optional.empty();
            if (otherSet.isPresent() && otherSet.get().group().equals("device") && otherSet.get().id().equals(set.id())
                    && !QemuCommandLine.keyValueDeviceIdsBefore(items, other).contains(set.id())) {
                moved.add(other.arg());
                moved.add(other.value().get());
                properties.add(property(otherSet.get().property(), otherSet.get().value()));
            }
        }
        if (moved.get(1) != item.value().get()) {
            return Optional.empty();
        }
        List<TextEdit> edits = new ArrayList<>();
        String alias = set.id();
        if (hostdev.isPresent()) {
            alias = DeviceAliases.freshUserAlias(domain, hostdev.get(), Gpus.aliasStem(context, hostdev.get()));
            edits.add(DeviceAliases.assign(domain, hostdev.get(), alias));
        }
        Optional<List<TextEdit>> override = QemuEdits.overrideProperties(domain, alias, properties, moved);
        if (override.isEmpty()) {
            return Optional.empty();
        }
        edits.addAll(override.get());
        return Optional.of(Fix.unsafe("move -set device." + set.id() + ".* into <qemu:override> for " + alias
                + " (property types inferred from the values)", edits));
    }

    /** libvirt's property types from what the value looks like: on/off and true/false, integers, else text. */
    static QemuEdits.Property property(String name, String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (List.of("on", "yes", "true").contains(lower)) {
            return new QemuEdits.Property(name, "bool", "true");
        }
        if (List.of("off", "no", "false").contains(lower)) {
            return new QemuEdits.Property(name, "bool", "false");
        }
        Optional<BigInteger> number = integer(value);
        if (number.isPresent()) {
            return new QemuEdits.Property(name, number.get().signum() < 0 ? "signed" : "unsigned",
                    number.get().toString());
        }
        return new QemuEdits.Property(name, "string", value);
    }

    /** QEMU reads integers in decimal or with 0x; libvirt's override wants base 10. */
    private static Optional<BigInteger> integer(String value) {
        try {
            boolean negative = value.startsWith("-");
            String digits = negative ? value.substring(1) : value;
            BigInteger parsed = digits.startsWith("0x") || digits.startsWith("0X")
                    ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits, 10);
            return Optional.of(negative ? parsed.negate() : parsed);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
