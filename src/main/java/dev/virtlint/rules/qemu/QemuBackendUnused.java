package dev.virtlint.rules.qemu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.QemuDeviceOverride;
import dev.virtlint.domain.QemuOptions;
import dev.virtlint.domain.QemuProperty;
import dev.virtlint.libvirt.LibvirtBackendIds;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.qemu.QemuCommandLine.Item;

/**
 * Backends defined in qemu:commandline that nothing uses, and qemu:commandline devices that use backends nobody
 * defines. A backend is used when any other argument, or a qemu:override property, names its id; a device's
 * reference counts when the backend is defined in qemu:commandline or is one libvirt creates.
 */
@RuleInfo(id = "VL504", name = "qemu-backend-unused", severity = Severity.ERROR, family = Family.QEMU,
        summary = "A qemu:commandline backend (-audiodev, -netdev, -chardev, -object) nothing uses, or a -device that"
                + " names a backend nobody defines")
public final class QemuBackendUnused implements Rule {
    /** A string member of a JSON value; QEMU's JSON parser also takes single quotes, which users write in XML. */
    private static final Pattern JSON_STRING_MEMBER =
            Pattern.compile("([\"'])([^\"']+)\\1\\s*:\\s*([\"'])([^\"']*)\\3");
    /** Device properties that name a backend, and what QEMU says when the backend does not exist. */
    private static final Map<String, String> REFERENCES = Map.of(
            "audiodev", "audiodev '%s' not found",
            "netdev", "Property '….netdev' can't find value '%s'",
            "chardev", "Property '….chardev' can't find value '%s'",
            "memdev", "Device '%s' not found",
            "rng", "Device '%s' not found");

    /** A backend a qemu:commandline option defines. */
    private record Backend(Item item, String option, String type, String id) {
    }

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        List<Item> items = QemuCommandLine.of(domain);
        List<Backend> backends = new ArrayList<>();
        for (Item item : items) {
            backend(item).ifPresent(backends::add);
        }
        List<Finding> findings = new ArrayList<>();
        for (Backend backend : backends) {
            if (!mentionedOutside(items, domain, backend)) {
                findings.add(unused(context, backend));
            }
        }
        Set<String> defined = new HashSet<>(LibvirtBackendIds.of(domain));
        backends.forEach(backend -> defined.add(backend.id()));
        String qemu = "QEMU " + context.platform().qemu().version().series();
        for (Item item : items) {
            if (!item.is("device") || item.valueText().isEmpty()) {
                continue;
            }
            properties(item.valueText().get()).forEach((key, value) -> {
                if (REFERENCES.containsKey(key) && !defined.contains(value)) {
                    findings.add(context.finding(this, item.value().get().element(), qemu + " refuses to start: this"
                                    + " -device names " + key + "=" + value + ", which neither qemu:commandline nor"
                                    + " libvirt defines (\"" + REFERENCES.get(key).formatted(value) + "\")")
                            .data(key, value)
                            .build());
                }
            });
        }
        return findings;
    }

    /** {@code -audiodev pa,id=pa1}, {@code -netdev user,id=n1}, {@code -object memory-backend-file,id=…} and JSON. */
    private static Optional<Backend> backend(Item item) {
        Optional<String> option = item.optionName();
        if (option.isEmpty() || item.valueText().isEmpty()
                || !List.of("audiodev", "netdev", "chardev", "object").contains(option.get())) {
            return Optional.empty();
        }
        String value = item.valueText().get();
        Map<String, String> properties = properties(value);
        String implied = value.startsWith("{") ? properties.getOrDefault("driver", properties.getOrDefault("type", ""))
                : QemuOptions.split(value).get(0);
        String type = properties.getOrDefault("qom-type", implied);
        Optional<String> id = Optional.ofNullable(properties.get("id"));
        // Other objects (input-linux, iothread, secret, throttle groups) act by themselves or are optional to use.
        boolean referencedKind = !option.get().equals("object") || type.startsWith("memory-backend-")
                || type.startsWith("rng-");
        return id.filter(i -> referencedKind).map(i -> new Backend(item, option.get(), type, i));
    }

    /** Whether any other argument or qemu:override property names the backend's id. */
    private static boolean mentionedOutside(List<Item> items, DomainDef domain, Backend backend) {
        for (Item item : items) {
            if (item == backend.item() || item.valueText().isEmpty()) {
                continue;
            }
            String value = item.valueText().get();
            // -serial chardev:ID, -monitor chardev:ID.
            if (properties(value).containsValue(backend.id()) || value.equals("chardev:" + backend.id())) {
                return true;
            }
        }
        for (QemuDeviceOverride device : domain.honouredDeviceOverrides()) {
            for (QemuProperty property : device.properties()) {
                if (property.value().map(backend.id()::equals).orElse(false)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The string properties of a key=value or JSON option value. */
    private static Map<String, String> properties(String value) {
        if (!value.startsWith("{")) {
            return QemuCommandLine.keyed(value);
        }
        Map<String, String> members = new LinkedHashMap<>();
        Matcher member = JSON_STRING_MEMBER.matcher(value);
        while (member.find()) {
            members.put(member.group(2), member.group(4));
        }
        return members;
    }

    private Finding unused(LintContext context, Backend backend) {
        String what = switch (backend.option()) {
            case "audiodev" -> "QEMU creates the audio backend '" + backend.id() + "', and no sound device plays into"
                    + " it: " + audioOfLibvirt(context.domain()) + ", and QEMU 8.2 and later never use an -audiodev"
                    + " nothing names. Give the backend to libvirt as <audio> (type='pulseaudio' serverName=… for a"
                    + " PulseAudio server), or set the sound device's audiodev with <qemu:override>";
            case "netdev" -> "QEMU creates the network backend '" + backend.id() + "' and warns \"netdev "
                    + backend.id() + " has no peer\": no network device uses it (netdev=" + backend.id() + ")";
            case "chardev" -> "QEMU creates the character device '" + backend.id() + "' and no device, serial port or"
                    + " monitor uses it (chardev=" + backend.id() + ")";
            default -> "QEMU creates the " + backend.type() + " '" + backend.id() + "' and no device uses it ("
                    + (backend.type().startsWith("rng-") ? "rng=" : "memdev=") + backend.id() + "), so the guest"
                    + " never sees it";
        };
        return context.finding(this, backend.item().value().get().element(), what)
                .severity(Severity.WARNING)
                .data("option", backend.option())
                .data("id", backend.id())
                .build();
    }

    private static String audioOfLibvirt(DomainDef domain) {
        List<String> audio = LibvirtBackendIds.of(domain).stream().filter(id -> id.matches("audio\\d+")).toList();
        return audio.isEmpty() ? "the domain has no sound device or graphics for it"
                : "libvirt connects its sound devices and graphics to its own backend (audiodev="
                        + String.join(", ", audio) + ")";
    }
}
