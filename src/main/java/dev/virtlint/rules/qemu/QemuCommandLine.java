package dev.virtlint.rules.qemu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.domain.QemuOptions;
import dev.virtlint.platform.TargetStack;

/**
 * The honoured {@code qemu:commandline} arguments read the way QEMU reads them. libvirt puts them after its last
 * device, a complete option, so the first one starts afresh, and before its own closing {@code -sandbox} and
 * {@code -msg}. An option that takes a value swallows the next argument whatever it looks like, and an argument
 * that is no option is a disk image to QEMU.
 */
public final class QemuCommandLine {

    /**
     * One option with its value, or one bare argument ({@code optionName} empty).
     *
     * @param known the option as the table knows it; empty for an unknown option or a bare argument
     */
    public record Item(QemuArg arg, Optional<String> optionName, Optional<QemuOptionTable.Option> known,
                       Optional<QemuArg> value) {

        public boolean is(String name) {
            return optionName.map(name::equals).orElse(false);
        }

        public Optional<String> valueText() {
            return value.map(QemuArg::value);
        }
    }

    /** A {@code -set group.id.property=value} argument taken apart. */
    public record SetTarget(String group, String id, String property, String value) {
    }

    private QemuCommandLine() {
    }

    public static List<Item> of(DomainDef domain) {
        List<QemuArg> args = domain.honouredQemuArgs();
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            QemuArg arg = args.get(i);
            Optional<String> name = optionName(arg.value());
            Optional<QemuOptionTable.Option> known = name.flatMap(QemuOptionTable::find);
            Optional<QemuArg> value = Optional.empty();
            if (known.map(QemuOptionTable.Option::takesValue).orElse(false) && i + 1 < args.size()) {
                value = Optional.of(args.get(++i));
            }
            items.add(new Item(arg, name, known, value));
        }
        return items;
    }

    /** {@code -device} and {@code --device} are both {@code device}; a lone {@code -} is not an option. */
    public static Optional<String> optionName(String arg) {
        if (!arg.startsWith("-") || arg.length() < 2) {
            return Optional.empty();
        }
        return Optional.of(arg.substring(arg.startsWith("--") ? 2 : 1));
    }

    /** The value of {@code key=} in a key=value option string, the last one when it repeats, as QEMU takes it. */
    public static Optional<String> property(String value, String key) {
        Optional<String> found = Optional.empty();
        for (String part : QemuOptions.split(value)) {
            if (part.startsWith(key + "=")) {
                found = Optional.of(part.substring(key.length() + 1));
            }
        }
        return found;
    }

    /** The key=value pairs of an option string, the last one winning; a leading bare word (an implied key) is skipped. */
    public static Map<String, String> keyed(String value) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String part : QemuOptions.split(value)) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                pairs.put(part.substring(0, equals), part.substring(equals + 1));
            }
        }
        return pairs;
    }

    /** {@code device.hostdev0.x-pci-sub-vendor-id=0x17aa}; empty when QEMU could not parse it either. */
    public static Optional<SetTarget> parseSet(String value) {
        int firstDot = value.indexOf('.');
        int equals = value.indexOf('=');
        if (firstDot <= 0 || equals < 0 || equals < firstDot) {
            return Optional.empty();
        }
        int secondDot = value.indexOf('.', firstDot + 1);
        if (secondDot < 0 || secondDot > equals || secondDot == firstDot + 1 || equals == secondDot + 1) {
            return Optional.empty();
        }
        return Optional.of(new SetTarget(value.substring(0, firstDot), value.substring(firstDot + 1, secondDot),
                value.substring(secondDot + 1, equals), value.substring(equals + 1)));
    }

    /**
     * Whether libvirt hands its devices to QEMU as JSON {@code -device} arguments: libvirt 8.1 does when
     * QEMU announces JSON support without the hot-unplug bug, which QEMU 7.0 first does. {@code -set} cannot
     * reach such devices.
     */
    public static boolean devicesAreJson(TargetStack stack) {
        return stack.libvirtAtLeast(8, 1) && stack.qemuVersion().isAtLeast(7, 0);
    }

    /** The ids of key=value {@code -device} arguments before {@code item}: the only devices {@code -set} can reach. */
    public static List<String> keyValueDeviceIdsBefore(List<Item> items, Item item) {
        List<String> ids = new ArrayList<>();
        for (Item earlier : items) {
            if (earlier == item) {
                break;
            }
            if (earlier.is("device") && earlier.valueText().filter(v -> !v.startsWith("{")).isPresent()) {
                property(earlier.valueText().get(), "id").ifPresent(ids::add);
            }
        }
        return ids;
    }
}
