package dev.virtlint.host;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.RemoteCapture.Fact;

/** Prints {@link HostFacts} and the {@link DetectedStack}: readable sections, or JSON with stable keys. */
public final class HostFactsReport {
    private static final Map<Integer, String> CLASS_NAMES = Map.ofEntries(
            Map.entry(0x0106, "SATA controller"), Map.entry(0x0108, "NVMe controller"),
            Map.entry(0x0200, "Ethernet controller"), Map.entry(0x0280, "network controller"),
            Map.entry(0x0300, "VGA controller"), Map.entry(0x0302, "3D controller"),
            Map.entry(0x0380, "display controller"), Map.entry(0x0403, "HD audio"),
            Map.entry(0x0600, "host bridge"), Map.entry(0x0601, "ISA bridge"), Map.entry(0x0604, "PCI bridge"),
            Map.entry(0x0806, "IOMMU"), Map.entry(0x0c03, "USB controller"), Map.entry(0x0c05, "SMBus"));

    private static final String MODULES_DIR = HostRootReader.MODULES;

    private HostFactsReport() {
    }

    public static void text(PrintWriter out, String root, HostFacts facts, DetectedStack stack) {
        out.println("Host root: " + root);
        facts.remoteCapture().ifPresent(capture -> out.println("Captured remotely from " + capture.connection()
                + " through libvirt; what libvirt does not report is unknown"));
        out.println();
        cpu(out, facts);
        kvm(out, facts);
        iommu(out, facts);
        out.println("Battery");
        row(out, "present", facts.battery().map(present -> present ? "yes (a laptop)" : "no")
                .orElse(unknown(facts, Fact.BATTERY, missing(HostRootReader.POWER_SUPPLIES))));
        out.println();
        pci(out, facts);
        console(out, facts);
        qemuProcess(out, facts);
        romFiles(out, facts);
        firmware(out, facts);
        out.println("Target stack");
        row(out, "QEMU", stack.qemu().orElse(unknown(facts, Fact.QEMU, "unknown")));
        row(out, "libvirt", stack.libvirt().orElse(unknown(facts, Fact.LIBVIRT, "unknown")));
        row(out, "OVMF", stack.ovmf().orElse(unknown(facts, Fact.OVMF, "unknown")));
        out.println();
        List<HostWarning> warnings = new ArrayList<>(facts.warnings());
        warnings.addAll(stack.warnings());
        out.println("Warnings (" + warnings.size() + ")");
        if (warnings.isEmpty()) {
            out.println("  none");
        }
        for (HostWarning warning : warnings) {
            out.println("  " + warning);
        }
        out.flush();
    }

    private static void cpu(PrintWriter out, HostFacts facts) {
        out.println("CPU");
        if (facts.cpu().isEmpty() && facts.remoteCapture().isEmpty()) {
            row(out, "all", missing(HostRootReader.CPUINFO));
            out.println();
            return;
        }
        CpuInfo cpu = facts.cpu().orElse(new CpuInfo(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        row(out, "vendor", cpu.vendorId().map(id -> vendorName(cpu.vendor().orElseThrow()) + " (" + id + ")")
                .orElse(unknown(facts, Fact.CPU_VENDOR, "unknown (no vendor_id)")));
        row(out, "model", cpu.modelName().orElse(unknown(facts, Fact.CPU_MODEL, "unknown")));
        row(out, "physical bits", cpu.physBits().map(String::valueOf)
                .orElse(unknown(facts, Fact.CPU_PHYS_BITS, "unknown (no address sizes)")));
        row(out, "virtual bits", cpu.virtBits().map(String::valueOf)
                .orElse(unknown(facts, Fact.CPU_VIRT_BITS, "unknown (no address sizes)")));
        String noFlags = unknown(facts, Fact.CPU_FLAGS, "unknown (no flags line)");
        row(out, "1 GiB pages", cpu.gigabytePages().map(yes -> yes ? "yes (pdpe1gb)" : "no").orElse(noFlags));
        row(out, "virtualization", cpu.flags().map(flags -> flags.contains("svm") ? "AMD-V (svm)"
                : flags.contains("vmx") ? "VT-x (vmx)" : "none").orElse(noFlags));
        out.println();
    }

    private static String vendorName(CpuVendor vendor) {
        return switch (vendor) {
            case AMD -> "AMD";
            case INTEL -> "Intel";
            case OTHER -> "other";
        };
    }

    private static void kvm(PrintWriter out, HostFacts facts) {
        out.println("KVM");
        if (facts.kvmModules().isEmpty()) {
            row(out, "module", unknown(facts, Fact.KVM,
                    "neither kvm_amd nor kvm_intel is loaded (or sys/module is missing)"));
        }
        for (KvmModule module : facts.kvmModules()) {
            row(out, module.module() + " " + module.parameter(),
                    module.enabled().map(on -> on ? "on" : "off").orElse("unknown"));
        }
        out.println();
    }

    private static void iommu(PrintWriter out, HostFacts facts) {
        out.println("IOMMU");
        row(out, "enabled", facts.iommuGroups().map(groups -> groups.isEmpty() ? "no (no IOMMU groups)"
                : "yes, " + groups.size() + " groups")
                .orElse(unknown(facts, Fact.IOMMU_GROUPS, missing(HostRootReader.IOMMU_GROUPS))));
        int units = facts.iommuUnits().map(List::size).orElse(0);
        row(out, "address width", facts.iommuAddressWidth()
                .map(width -> width + " bits (narrowest of " + units + (units == 1 ? " unit)" : " units)"))
                .orElse(unknown(facts, Fact.IOMMU_UNITS, "unknown")));
        row(out, "AMD HT hole", facts.amdHtHoleReserved().map(reserved -> reserved
                ? "reserved (" + hex(HostFacts.AMD_HT_HOLE_START) + "-" + hex(HostFacts.AMD_HT_HOLE_END) + ")"
                : "not reserved").orElse(unknown(facts, Fact.RESERVED_REGIONS, "unknown (no reserved_regions)")));
        for (IommuUnit unit : facts.iommuUnits().orElse(List.of())) {
            row(out, unit.name(), describe(unit));
        }
        KernelIommu kernel = facts.kernelIommu();
        row(out, "boot parameters", kernel.parameters().map(list -> list.isEmpty() ? "none about the IOMMU"
                : String.join(" ", list)).orElse(unknown(facts, Fact.KERNEL_IOMMU,
                missing(KernelIommuReader.CMDLINE))));
        row(out, "IRQ remapping", kernel.interruptRemapping().map(on -> on
                ? "yes (IR- interrupt chips in " + KernelIommuReader.INTERRUPTS + ")"
                : "no (no IR- interrupt chip in " + KernelIommuReader.INTERRUPTS + ")")
                .orElse(unknown(facts, Fact.KERNEL_IOMMU, "unknown (" + KernelIommuReader.INTERRUPTS
                        + " missing or without IO-APIC and MSI interrupts)")));
        row(out, "unsafe IRQs", kernel.unsafeInterrupts().map(setting -> "allow_unsafe_interrupts "
                + (setting.value() ? "on" : "off") + " (" + setting.source() + ")")
                .orElse(unknown(facts, Fact.KERNEL_IOMMU, "unknown")));
        out.println();
    }

    private static void qemuProcess(PrintWriter out, HostFacts facts) {
        out.println("QEMU process");
        QemuProcess process = facts.qemuProcess();
        row(out, "user", process.identity().map(identity -> identity.describe() + (identity.configured()
                ? ", from qemu.conf" : ", the build's default named in qemu.conf"))
                .orElse(unknown(facts, Fact.QEMU_PROCESS, "unknown (" + QemuProcessReader.QEMU_CONF + ", "
                        + QemuProcessReader.PASSWD + " or " + QemuProcessReader.GROUP + " missing)")));
        row(out, "AppArmor", process.appArmor().map(policy -> !policy.enabled() ? "off"
                : !policy.confinesQemu() ? "on, but qemu.conf's security_driver is " + policy.securityDriver().get()
                : "on, confines QEMU: " + policy.readRules().size() + " read rules in libvirt's QEMU policy")
                .orElse(unknown(facts, Fact.QEMU_PROCESS, missing(MODULES_DIR))));
        out.println();
    }

    private static void romFiles(PrintWriter out, HostFacts facts) {
        List<RomFile> files = facts.romFiles().files();
        out.println("ROM files (" + files.size() + (facts.romFiles().isCaptured() ? ", as captured" : "") + ")");
        if (files.isEmpty()) {
            row(out, "all", unknown(facts, Fact.ROM_FILES, "none named by " + HostRootReader.DOMAIN_DEFINITIONS
                    + "/*.xml, none in " + HostRootReader.VGABIOS));
        }
        for (RomFile file : files) {
            out.println("  " + file.path() + ": " + describe(file));
            file.access().ifPresent(access -> out.println("      " + String.join("; ",
                    access.stream().map(PathAccess::describe).toList())));
            facts.qemuProcess().identity().filter(identity -> file.presence() == RomFile.Presence.FILE)
                    .ifPresent(identity -> out.println("      " + identity.user() + " "
                            + file.firstDenied(identity).map(denied -> "cannot reach it: " + denied.describe())
                            .orElse(file.access().isPresent() ? "can read it" : "may read it (access unknown)")
                            + appArmorNote(facts, file, identity)));
        }
        out.println();
    }

    /** When AppArmor confines QEMU, whether libvirt's policy lets it read the file. */
    private static String appArmorNote(HostFacts facts, RomFile file, QemuIdentity identity) {
        boolean owned = file.fileAccess().map(access -> access.uid() == identity.uid()).orElse(false);
        return facts.qemuProcess().appArmor().filter(AppArmorPolicy::confinesQemu)
                .map(policy -> policy.ruleAllowingRead(file.path(), owned)
                        .map(rule -> "; AppArmor allows it (" + rule.glob() + " in " + rule.source() + ")")
                        .orElse("; AppArmor denies it (no rule of libvirt's QEMU policy allows the path)"))
                .orElse("");
    }

    private static String describe(RomFile file) {
        return switch (file.presence()) {
            case MISSING -> "missing";
            case NOT_A_FILE -> "not a regular file";
            case FILE -> file.size() == 0 ? "empty" : size(file.size()) + (!file.contentRead() ? ", content not read"
                    : file.imageOffset().map(offset -> offset == 0 ? ", a PCI option ROM image at offset 0"
                    : ", its PCI option ROM image starts at offset 0x" + Long.toHexString(offset) + ", not 0")
                    .orElse(", no PCI option ROM image (no 0x55AA signature with a PCIR structure)"));
        };
    }

    private static String describe(IommuUnit unit) {
        if (unit instanceof IntelIommu intel) {
            return "VT-d, cap " + Long.toHexString(intel.cap()) + ", MGAW " + intel.mgaw() + ", SAGAW "
                    + intel.sagawWidths().stream().map(String::valueOf).collect(Collectors.joining("/"))
                    + ", caching mode " + (intel.cachingMode() ? "on" : "off");
        }
        AmdIommu amd = (AmdIommu) unit;
        return "AMD-Vi, EFR " + amd.extendedFeatures().map(Long::toHexString).orElse("unknown")
                + amd.hostPageTableLevels().map(levels -> ", " + levels + "-level host page table, "
                + amd.addressWidth().orElseThrow() + " bits").orElse(", width unknown");
    }

    private static void pci(PrintWriter out, HostFacts facts) {
        if (facts.pciDevices().isEmpty()) {
            out.println("PCI devices");
            row(out, "all", unknown(facts, Fact.PCI_DEVICES, missing(HostRootReader.PCI_DEVICES)));
            out.println();
            return;
        }
        List<PciDevice> devices = facts.pciDevices().get();
        out.println("PCI devices (" + devices.size() + ")");
        for (PciDevice device : devices) {
            StringBuilder line = new StringBuilder("  ").append(device.address().bdf()).append("  ")
                    .append(id(device.vendor())).append(':').append(id(device.device()));
            if (device.subsystemVendor().isPresent() || device.subsystemDevice().isPresent()) {
                line.append("  subsystem ").append(id(device.subsystemVendor())).append(':')
                        .append(id(device.subsystemDevice()));
            }
            line.append("  class ").append(device.classCode().map(code -> String.format(Locale.ROOT, "%06x", code)
                    + Optional.ofNullable(CLASS_NAMES.get(code >> 8)).map(name -> " (" + name + ")").orElse(""))
                    .orElse("unknown"));
            line.append("  ").append(group(facts, device));
            out.println(line);
            out.println("      driver " + device.driverBinding().map(binding -> binding.driver().orElse("none"))
                    .orElse("unknown") + "; reset " + device.resetMethods().map(HostFactsReport::resetMethods)
                    .orElse("unknown") + device.bootVga().map(boot -> boot ? "; boot VGA (the firmware's console)"
                    : "").orElse(""));
            if (device.resources().isEmpty()) {
                out.println("      BARs " + unknown(facts, Fact.PCI_RESOURCES, "unknown (no usable resource file)"));
            }
            for (PciResource resource : device.resources().orElse(List.of())) {
                if (resource.isBar() || resource.isRom()) {
                    out.printf(Locale.ROOT, "      %-5s %s  %-9s %s%n",
                            resource.isRom() ? "ROM" : "BAR" + resource.index(), hex(resource.start()),
                            size(resource.size()), kind(resource));
                }
            }
        }
        out.println();
    }

    private static String resetMethods(List<String> methods) {
        return methods.isEmpty() ? "none (the kernel cannot reset it)" : String.join(" ", methods);
    }

    private static void console(PrintWriter out, HostFacts facts) {
        out.println("Console and modules");
        row(out, "framebuffers", facts.framebuffers().map(ids -> ids.isEmpty() ? "none"
                : String.join(", ", ids)).orElse("unknown (" + HostRootReader.FRAMEBUFFERS + " missing)"));
        row(out, "vendor-reset", facts.vendorResetLoaded().map(loaded -> loaded ? "loaded" : "not loaded")
                .orElse(missing(HostRootReader.MODULES)));
        out.println();
    }

    /** "VGA controller" for a class code the report knows, for findings that name a device. */
    public static Optional<String> className(int classCode) {
        return Optional.ofNullable(CLASS_NAMES.get(classCode >> 8));
    }

    private static String group(HostFacts facts, PciDevice device) {
        if (device.iommuGroup().isEmpty()) {
            return "no IOMMU group";
        }
        List<PciAddress> peers = facts.iommuGroupPeers(device.address()).orElse(List.of());
        return "IOMMU group " + device.iommuGroup().get() + (peers.isEmpty() ? ", alone"
                : " with " + peers.stream().map(PciAddress::bdf).collect(Collectors.joining(", ")));
    }

    private static String kind(PciResource resource) {
        if (resource.isRom()) {
            return "expansion ROM";
        }
        if (resource.isIo()) {
            return "I/O ports";
        }
        return (resource.is64Bit() ? "64-bit" : "32-bit") + (resource.prefetchable() ? " prefetchable" : "");
    }

    private static void firmware(PrintWriter out, HostFacts facts) {
        if (facts.firmware().isEmpty()) {
            out.println("Firmware descriptors");
            row(out, "all", unknown(facts, Fact.FIRMWARE, missing(HostRootReader.FIRMWARE_DESCRIPTORS)));
            out.println();
            return;
        }
        List<FirmwareDescriptor> descriptors = facts.firmware().get();
        out.println("Firmware descriptors (" + descriptors.size() + ")");
        for (FirmwareDescriptor descriptor : descriptors) {
            out.println("  " + descriptor.file().substring(descriptor.file().lastIndexOf('/') + 1) + ": "
                    + String.join(",", descriptor.interfaceTypes()) + " " + descriptor.device().orElse("?") + " "
                    + descriptor.executable().orElse("(no image)"));
            out.println("      machines " + descriptor.targets().stream()
                    .map(target -> target.architecture() + " " + String.join(" ", target.machines()))
                    .collect(Collectors.joining("; ")) + "; features " + String.join(" ", descriptor.features()));
        }
        out.println();
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf(Locale.ROOT, "  %-16s %s%n", label + ":", value);
    }

    private static String missing(String path) {
        return "unknown (" + path + " missing)";
    }

    /** Why a capture through libvirt lacks the fact, where it says so; otherwise {@code local}. */
    private static String unknown(HostFacts facts, Fact fact, String local) {
        return facts.remoteCapture().flatMap(capture -> capture.whyMissing(fact))
                .map(reason -> "unknown (" + reason + ")").orElse(local);
    }

    private static String id(Optional<Integer> id) {
        return id.map(value -> String.format(Locale.ROOT, "%04x", value)).orElse("????");
    }

    static String hex(long value) {
        return String.format(Locale.ROOT, "0x%016x", value);
    }

    /** Whole KiB/MiB/GiB/TiB when the size is one, as lspci prints BAR sizes. */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        long value = bytes;
        while (unit < units.length - 1 && value >= 1024 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + " " + units[unit];
    }

    /** One JSON object; keys are stable, absent facts are {@code null}, addresses are hex strings. */
    public static void json(Writer writer, String root, HostFacts facts, DetectedStack stack) throws IOException {
        try (JsonGenerator json = new JsonFactory().createGenerator(writer)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("hostRoot", root);
            writeRemoteCapture(json, facts);
            writeCpu(json, facts);
            json.writeArrayFieldStart("kvm");
            for (KvmModule module : facts.kvmModules()) {
                json.writeStartObject();
                json.writeStringField("module", module.module());
                json.writeStringField("parameter", module.parameter());
                writeOptionalBoolean(json, "enabled", module.enabled());
                json.writeEndObject();
            }
            json.writeEndArray();
            writeIommu(json, facts);
            writeOptionalBoolean(json, "battery", facts.battery());
            writePci(json, facts);
            writeStringsOrNull(json, "framebuffers", facts.framebuffers());
            writeOptionalBoolean(json, "vendorResetLoaded", facts.vendorResetLoaded());
            writeKernelIommu(json, facts.kernelIommu());
            writeQemuProcess(json, facts.qemuProcess());
            writeRomFiles(json, facts.romFiles());
            writeFirmware(json, facts);
            json.writeObjectFieldStart("stack");
            json.writeStringField("qemu", stack.qemu().orElse(null));
            json.writeStringField("libvirt", stack.libvirt().orElse(null));
            json.writeStringField("ovmf", stack.ovmf().orElse(null));
            json.writeEndObject();
            json.writeArrayFieldStart("warnings");
            for (HostWarning warning : facts.warnings()) {
                writeWarning(json, warning);
            }
            for (HostWarning warning : stack.warnings()) {
                writeWarning(json, warning);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        writer.write(System.lineSeparator());
        writer.flush();
    }

    private static void writeCpu(JsonGenerator json, HostFacts facts) throws IOException {
        if (facts.cpu().isEmpty()) {
            json.writeNullField("cpu");
            return;
        }
        CpuInfo cpu = facts.cpu().get();
        json.writeObjectFieldStart("cpu");
        json.writeStringField("vendor", cpu.vendor().map(CpuVendor::label).orElse(null));
        json.writeStringField("vendorId", cpu.vendorId().orElse(null));
        json.writeStringField("modelName", cpu.modelName().orElse(null));
        writeOptionalInt(json, "physBits", cpu.physBits());
        writeOptionalInt(json, "virtBits", cpu.virtBits());
        writeOptionalBoolean(json, "gigabytePages", cpu.gigabytePages());
        writeOptionalBoolean(json, "svm", cpu.hasFlag("svm"));
        writeOptionalBoolean(json, "vmx", cpu.hasFlag("vmx"));
        json.writeEndObject();
    }

    /** {@code null} unless the root was captured through libvirt; then the connection and each missing fact. */
    private static void writeRemoteCapture(JsonGenerator json, HostFacts facts) throws IOException {
        if (facts.remoteCapture().isEmpty()) {
            json.writeNullField("remoteCapture");
            return;
        }
        RemoteCapture capture = facts.remoteCapture().get();
        json.writeObjectFieldStart("remoteCapture");
        json.writeStringField("connection", capture.connection());
        json.writeObjectFieldStart("missing");
        for (Fact fact : Fact.values()) {
            if (capture.missing().containsKey(fact)) {
                json.writeStringField(fact.key(), capture.missing().get(fact));
            }
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeIommu(JsonGenerator json, HostFacts facts) throws IOException {
        json.writeObjectFieldStart("iommu");
        writeOptionalBoolean(json, "enabled", facts.iommuEnabled());
        writeOptionalInt(json, "addressWidth", facts.iommuAddressWidth());
        writeOptionalBoolean(json, "amdHtHoleReserved", facts.amdHtHoleReserved());
        if (facts.iommuUnits().isEmpty()) {
            json.writeNullField("units");
        } else {
            json.writeArrayFieldStart("units");
            for (IommuUnit unit : facts.iommuUnits().get()) {
                json.writeStartObject();
                json.writeStringField("name", unit.name());
                if (unit instanceof IntelIommu intel) {
                    json.writeStringField("type", "intel");
                    json.writeStringField("cap", Long.toHexString(intel.cap()));
                    json.writeNumberField("mgaw", intel.mgaw());
                    json.writeArrayFieldStart("sagawWidths");
                    for (int width : intel.sagawWidths()) {
                        json.writeNumber(width);
                    }
                    json.writeEndArray();
                    json.writeBooleanField("cachingMode", intel.cachingMode());
                } else {
                    AmdIommu amd = (AmdIommu) unit;
                    json.writeStringField("type", "amd");
                    json.writeStringField("cap", amd.capHeader().map(Long::toHexString).orElse(null));
                    json.writeStringField("extendedFeatures",
                            amd.extendedFeatures().map(Long::toHexString).orElse(null));
                    writeOptionalInt(json, "hostPageTableLevels", amd.hostPageTableLevels());
                }
                writeOptionalInt(json, "addressWidth", unit.addressWidth());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        if (facts.iommuGroups().isEmpty()) {
            json.writeNullField("groups");
        } else {
            json.writeArrayFieldStart("groups");
            for (IommuGroup group : facts.iommuGroups().get()) {
                json.writeStartObject();
                json.writeNumberField("number", group.number());
                json.writeArrayFieldStart("devices");
                for (PciAddress address : group.pciDevices()) {
                    json.writeString(address.bdf());
                }
                for (String other : group.otherDevices()) {
                    json.writeString(other);
                }
                json.writeEndArray();
                if (group.reservedRegions().isEmpty()) {
                    json.writeNullField("reservedRegions");
                } else {
                    json.writeArrayFieldStart("reservedRegions");
                    for (ReservedRegion region : group.reservedRegions().get()) {
                        json.writeStartObject();
                        json.writeStringField("start", hex(region.start()));
                        json.writeStringField("end", hex(region.end()));
                        json.writeStringField("type", region.type());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void writeKernelIommu(JsonGenerator json, KernelIommu kernel) throws IOException {
        json.writeObjectFieldStart("kernelIommu");
        writeStringsOrNull(json, "parameters", kernel.parameters());
        writeOptionalBoolean(json, "interruptRemapping", kernel.interruptRemapping());
        if (kernel.unsafeInterrupts().isEmpty()) {
            json.writeNullField("allowUnsafeInterrupts");
        } else {
            json.writeObjectFieldStart("allowUnsafeInterrupts");
            json.writeBooleanField("value", kernel.unsafeInterrupts().get().value());
            json.writeStringField("source", kernel.unsafeInterrupts().get().source());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void writeQemuProcess(JsonGenerator json, QemuProcess process) throws IOException {
        json.writeObjectFieldStart("qemuProcess");
        if (process.identity().isEmpty()) {
            json.writeNullField("user");
        } else {
            QemuIdentity identity = process.identity().get();
            json.writeObjectFieldStart("user");
            json.writeStringField("name", identity.user());
            json.writeNumberField("uid", identity.uid());
            json.writeNumberField("gid", identity.gid());
            json.writeArrayFieldStart("groups");
            for (int group : new java.util.TreeSet<>(identity.groups())) {
                json.writeNumber(group);
            }
            json.writeEndArray();
            json.writeBooleanField("configured", identity.configured());
            json.writeEndObject();
        }
        if (process.appArmor().isEmpty()) {
            json.writeNullField("appArmor");
        } else {
            AppArmorPolicy policy = process.appArmor().get();
            json.writeObjectFieldStart("appArmor");
            json.writeBooleanField("enabled", policy.enabled());
            json.writeStringField("securityDriver", policy.securityDriver().orElse(null));
            json.writeBooleanField("confinesQemu", policy.confinesQemu());
            json.writeArrayFieldStart("readRules");
            for (AppArmorPolicy.ReadRule rule : policy.readRules()) {
                json.writeStartObject();
                json.writeStringField("glob", rule.glob());
                json.writeBooleanField("ownerOnly", rule.ownerOnly());
                json.writeStringField("source", rule.source());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void writeRomFiles(JsonGenerator json, RomFiles romFiles) throws IOException {
        json.writeObjectFieldStart("romFiles");
        json.writeBooleanField("captured", romFiles.isCaptured());
        json.writeArrayFieldStart("files");
        for (RomFile file : romFiles.files()) {
            json.writeStartObject();
            json.writeStringField("path", file.path());
            json.writeStringField("presence", file.presence().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            json.writeNumberField("size", file.size());
            json.writeBooleanField("contentRead", file.contentRead());
            if (file.imageOffset().isPresent()) {
                json.writeNumberField("imageOffset", file.imageOffset().get());
            } else {
                json.writeNullField("imageOffset");
            }
            if (file.access().isEmpty()) {
                json.writeNullField("access");
            } else {
                json.writeArrayFieldStart("access");
                for (PathAccess component : file.access().get()) {
                    json.writeStartObject();
                    json.writeStringField("path", component.path());
                    json.writeStringField("mode", String.format(Locale.ROOT, "%04o", component.mode()));
                    json.writeNumberField("uid", component.uid());
                    json.writeNumberField("gid", component.gid());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writePci(JsonGenerator json, HostFacts facts) throws IOException {
        if (facts.pciDevices().isEmpty()) {
            json.writeNullField("pciDevices");
            return;
        }
        json.writeArrayFieldStart("pciDevices");
        for (PciDevice device : facts.pciDevices().get()) {
            json.writeStartObject();
            json.writeStringField("address", device.address().bdf());
            writeOptionalHex(json, "vendor", device.vendor(), 4);
            writeOptionalHex(json, "device", device.device(), 4);
            writeOptionalHex(json, "subsystemVendor", device.subsystemVendor(), 4);
            writeOptionalHex(json, "subsystemDevice", device.subsystemDevice(), 4);
            writeOptionalHex(json, "class", device.classCode(), 6);
            writeOptionalInt(json, "iommuGroup", device.iommuGroup());
            if (device.driverBinding().isEmpty()) {
                json.writeNullField("driverBound");
            } else {
                json.writeBooleanField("driverBound", device.driverBinding().get().isBound());
            }
            json.writeStringField("driver", device.driverBinding().flatMap(DriverBinding::driver).orElse(null));
            writeStringsOrNull(json, "resetMethods", device.resetMethods());
            writeOptionalBoolean(json, "bootVga", device.bootVga());
            Optional<List<PciAddress>> peers = facts.iommuGroupPeers(device.address());
            if (peers.isEmpty()) {
                json.writeNullField("groupPeers");
            } else {
                json.writeArrayFieldStart("groupPeers");
                for (PciAddress peer : peers.get()) {
                    json.writeString(peer.bdf());
                }
                json.writeEndArray();
            }
            if (device.resources().isEmpty()) {
                json.writeNullField("resources");
            } else {
                json.writeArrayFieldStart("resources");
                for (PciResource resource : device.resources().get()) {
                    json.writeStartObject();
                    json.writeNumberField("index", resource.index());
                    json.writeStringField("kind", resource.isBar() ? "bar" : resource.isRom() ? "rom" : "other");
                    json.writeStringField("start", hex(resource.start()));
                    json.writeNumberField("size", resource.size());
                    json.writeStringField("flags", hex(resource.flags()));
                    json.writeBooleanField("io", resource.isIo());
                    json.writeBooleanField("is64Bit", resource.is64Bit());
                    json.writeBooleanField("prefetchable", resource.prefetchable());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeFirmware(JsonGenerator json, HostFacts facts) throws IOException {
        if (facts.firmware().isEmpty()) {
            json.writeNullField("firmware");
            return;
        }
        json.writeArrayFieldStart("firmware");
        for (FirmwareDescriptor descriptor : facts.firmware().get()) {
            json.writeStartObject();
            json.writeStringField("file", descriptor.file());
            json.writeStringField("description", descriptor.description().orElse(null));
            writeStrings(json, "interfaceTypes", descriptor.interfaceTypes());
            json.writeStringField("device", descriptor.device().orElse(null));
            json.writeStringField("executable", descriptor.executable().orElse(null));
            json.writeStringField("nvramTemplate", descriptor.nvramTemplate().orElse(null));
            json.writeArrayFieldStart("targets");
            for (FirmwareDescriptor.Target target : descriptor.targets()) {
                json.writeStartObject();
                json.writeStringField("architecture", target.architecture());
                writeStrings(json, "machines", target.machines());
                json.writeEndObject();
            }
            json.writeEndArray();
            writeStrings(json, "features", descriptor.features());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeWarning(JsonGenerator json, HostWarning warning) throws IOException {
        json.writeStartObject();
        json.writeStringField("path", warning.path());
        json.writeStringField("message", warning.message());
        json.writeEndObject();
    }

    private static void writeStrings(JsonGenerator json, String key, List<String> values) throws IOException {
        json.writeArrayFieldStart(key);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static void writeStringsOrNull(JsonGenerator json, String key, Optional<List<String>> values)
            throws IOException {
        if (values.isEmpty()) {
            json.writeNullField(key);
        } else {
            writeStrings(json, key, values.get());
        }
    }

    private static void writeOptionalInt(JsonGenerator json, String key, Optional<Integer> value) throws IOException {
        if (value.isPresent()) {
            json.writeNumberField(key, value.get());
        } else {
            json.writeNullField(key);
        }
    }

    private static void writeOptionalBoolean(JsonGenerator json, String key, Optional<Boolean> value)
            throws IOException {
        if (value.isPresent()) {
            json.writeBooleanField(key, value.get());
        } else {
            json.writeNullField(key);
        }
    }

    private static void writeOptionalHex(JsonGenerator json, String key, Optional<Integer> value, int digits)
            throws IOException {
        json.writeStringField(key, value.map(v -> String.format(Locale.ROOT, "0x%0" + digits + "x", v)).orElse(null));
    }
}
