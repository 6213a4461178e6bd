package dev.virtlint.rules.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.QemuDeviceOverride;
import dev.virtlint.domain.QemuProperty;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.qemu.DeviceAliases;
import dev.virtlint.rules.qemu.QemuCommandLine;
import dev.virtlint.rules.qemu.QemuEdits;
import dev.virtlint.xml.TextEdit;

@RuleInfo(id = "VL405", name = "laptop-dgpu", severity = Severity.INFO, family = Family.GPU,
        summary = "A laptop's NVIDIA 3D controller (Optimus / Max-Q) is passed through: it needs a battery, its VBIOS and subsystem IDs")
public final class LaptopDgpu implements Rule {
    private static final String SUB_VENDOR = "x-pci-sub-vendor-id";
    private static final String SUB_DEVICE = "x-pci-sub-device-id";

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        if (domain.pciHostdevs().isEmpty()) {
            return List.of();
        }
        Optional<Boolean> laptop = context.hostFacts().flatMap(HostFacts::laptop);
        if (laptop.isEmpty() || !Gpus.hostListsPciDevices(context)) {
            context.couldNotCheck(this, "whether the host is a laptop (has a battery) and its GPU a 3D controller",
                    laptop.isEmpty() ? NotChecked.HOST_POWER_SUPPLIES : NotChecked.HOST_PCI_DEVICES);
            return List.of();
        }
        if (!laptop.get()) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        for (Hostdev hostdev : domain.pciHostdevs()) {
            Optional<PciDevice> device = hostdev.source().flatMap(source -> Gpus.hostDevice(context, source));
            if (device.isEmpty() || !isNvidia3dController(device.get())) {
                continue;
            }
            check(context, hostdev, device.get()).ifPresent(findings::add);
        }
        return findings;
    }

    private static boolean isNvidia3dController(PciDevice device) {
        return device.vendor().map(v -> v == Gpus.NVIDIA).orElse(false)
                && device.classCode().map(code -> code >> 8 == 0x0302).orElse(false);
    }

    private Optional<Finding> check(LintContext context, Hostdev hostdev, PciDevice device) {
        DomainDef domain = context.domain();
        String alias = DeviceAliases.effectiveAlias(domain, hostdev);
        boolean subsystemSet = setsProperty(domain, alias, SUB_VENDOR) && setsProperty(domain, alias, SUB_DEVICE);
        boolean acpiTable = hasAcpiTable(domain);
        if (subsystemSet && acpiTable) {
            return Optional.empty();
        }
        boolean rawTables = context.platform().stack().libvirtAtLeast(11, 2);
        List<String> needs = new ArrayList<>();
        if (!acpiTable) {
            needs.add("a battery: the driver refuses to run without one, so give the guest a fake battery SSDT ("
                    + (rawTables ? "<os><acpi><table type='raw'>/path/ssdt.aml</table></acpi>"
                            : "qemu:commandline -acpitable file=/path/ssdt.aml; <table type='raw'> needs libvirt 11.2")
                    + ")");
        }
        if (device.rom().isEmpty()) {
            needs.add("its VBIOS, which the laptop firmware hands out through the ACPI _ROM method (the host shows no"
                    + " ROM BAR), so the guest needs an ACPI table or an OVMF build that provides it");
        }
        Optional<String> ids = device.subsystemVendor().flatMap(v -> device.subsystemDevice()
                .map(d -> String.format(Locale.ROOT, "%04x:%04x", v, d)));
        if (!subsystemSet) {
            needs.add("its subsystem IDs " + ids.orElse("(unknown here)") + ", which Windows matches the laptop's"
                    + " driver package by: set " + SUB_VENDOR + " and " + SUB_DEVICE + " on " + alias
                    + " with <qemu:override>");
        }
        String message = "this host is a laptop (it has a battery) and " + device.address().bdf() + " is an NVIDIA 3D"
                + String.format(Locale.ROOT, " controller (class 0x%06x)", device.classCode().orElseThrow()) + ", the Optimus / Max-Q kind with"
                + " no display outputs of its own. Passed through, it needs " + String.join("; ", needs);
        return Optional.of(context.finding(this, hostdev.element(), message)
                .data("gpu", device.address().bdf())
                .data("subsystemIdsSet", subsystemSet)
                .data("acpiTable", acpiTable)
                .fix(subsystemSet || ids.isEmpty() ? null : subsystemFix(context, hostdev, device).orElse(null))
                .build());
    }

    /**
     * Without host facts, the sign of a laptop dGPU setup: subsystem IDs set on a device, or an ACPI table
     * added (the fake battery) other than the licensing tables SLIC and MSDM.
     */
    static boolean hasLaptopWorkarounds(DomainDef domain) {
        boolean subsystemIds = domain.honouredDeviceOverrides().stream()
                .flatMap(override -> override.properties().stream())
                .anyMatch(property -> property.name().equals(SUB_VENDOR) || property.name().equals(SUB_DEVICE))
                || QemuCommandLine.of(domain).stream()
                        .filter(item -> item.is("set"))
                        .flatMap(item -> item.valueText().flatMap(QemuCommandLine::parseSet).stream())
                        .anyMatch(set -> set.property().equals(SUB_VENDOR) || set.property().equals(SUB_DEVICE));
        boolean rawTableInOs = domain.os().element().child("acpi")
                .map(acpi -> acpi.children("table").stream()
                        .anyMatch(table -> table.attributeValue("type").map("raw"::equals).orElse(false)))
                .orElse(false);
        boolean rawTableArg = QemuCommandLine.of(domain).stream()
                .filter(item -> item.is("acpitable"))
                .anyMatch(item -> item.valueText().flatMap(v -> QemuCommandLine.property(v, "sig"))
                        .filter(sig -> sig.equals("SLIC") || sig.equals("MSDM")).isEmpty());
        return subsystemIds || rawTableInOs || rawTableArg;
    }

    /** Whether an honoured override or a -set gives the device that property. */
    private static boolean setsProperty(DomainDef domain, String alias, String property) {
        for (QemuDeviceOverride override : domain.honouredDeviceOverrides()) {
            if (override.alias().equals(alias)
                    && override.properties().stream().map(QemuProperty::name).anyMatch(property::equals)) {
                return true;
            }
        }
        return QemuCommandLine.of(domain).stream()
                .filter(item -> item.is("set"))
                .flatMap(item -> item.valueText().flatMap(QemuCommandLine::parseSet).stream())
                .anyMatch(set -> set.group().equals("device") && set.id().equals(alias) && set.property().equals(property));
    }

    private static boolean hasAcpiTable(DomainDef domain) {
        boolean inOs = domain.os().element().child("acpi").map(acpi -> !acpi.children("table").isEmpty()).orElse(false);
        return inOs || QemuCommandLine.of(domain).stream().anyMatch(item -> item.is("acpitable"));
    }

    private static Optional<Fix> subsystemFix(LintContext context, Hostdev hostdev, PciDevice device) {
        if (!context.platform().stack().libvirtAtLeast(8, 2)) {
            return Optional.empty();
        }
        DomainDef domain = context.domain();
        List<TextEdit> edits = new ArrayList<>();
        String alias;
        if (hostdev.alias().filter(DeviceAliases::isUserAlias).isPresent()) {
            alias = hostdev.alias().get();
        } else {
            alias = DeviceAliases.freshUserAlias(domain, hostdev, "gpu");
            edits.add(DeviceAliases.assign(domain, hostdev, alias));
        }
        List<QemuEdits.Property> properties = new ArrayList<>();
        if (!setsProperty(domain, alias, SUB_VENDOR)) {
            properties.add(new QemuEdits.Property(SUB_VENDOR, "unsigned", String.valueOf(device.subsystemVendor().orElseThrow())));
        }
        if (!setsProperty(domain, alias, SUB_DEVICE)) {
            properties.add(new QemuEdits.Property(SUB_DEVICE, "unsigned", String.valueOf(device.subsystemDevice().orElseThrow())));
        }
        Optional<List<TextEdit>> override = QemuEdits.overrideProperties(domain, alias, properties, List.of());
        if (override.isEmpty()) {
            return Optional.empty();
        }
        edits.addAll(override.get());
        return Optional.of(Fix.unsafe("set the host's subsystem IDs on " + alias + " with <qemu:override>", edits));
    }
}
