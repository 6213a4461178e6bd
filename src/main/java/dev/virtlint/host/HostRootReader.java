package dev.virtlint.host;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.domain.PciAddress;

/**
 * Reads {@link HostFacts} from a directory laid out like a Linux root: {@code /} itself on a live host, or a
 * snapshot written by {@link HostSnapshot} or {@link LibvirtSnapshot}. It only reads files, never runs anything,
 * and never throws for what it finds: missing files make facts absent, bad ones become warnings.
 */
public final class HostRootReader {
    static final String CPUINFO = "proc/cpuinfo";
    static final String PCI_DEVICES = "sys/bus/pci/devices";
    static final String PCI_RESOURCE = "resource";
    static final String PCI_DRIVER_OVERRIDE = "driver_override";
    static final String PCI_RESET_METHOD = "reset_method";
    static final String PCI_BOOT_VGA = "boot_vga";
    /**
     * The plain files of a PCI device directory; {@code iommu_group} and {@code driver} are links and {@code reset}
     * is write-only, so those three are handled apart.
     */
    static final List<String> PCI_FILES = List.of("vendor", "device", "subsystem_vendor", "subsystem_device", "class",
            PCI_RESOURCE, PCI_DRIVER_OVERRIDE, PCI_RESET_METHOD, PCI_BOOT_VGA);
    static final String PCI_IOMMU_GROUP = "iommu_group";
    static final String PCI_DRIVER = "driver";
    static final String PCI_RESET = "reset";
    /** The framebuffers the kernel runs, one {@code "%d %s"} line each (node, the driver's id). */
    static final String FRAMEBUFFERS = "proc/fb";
    static final String MODULES = "sys/module";
    /** gnif/vendor-reset's module, as sysfs names it (a module's '-' becomes '_'). */
    static final String VENDOR_RESET_MODULE = "vendor_reset";
    static final String IOMMU_GROUPS = "sys/kernel/iommu_groups";
    static final String GROUP_DEVICES = "devices";
    static final String RESERVED_REGIONS = "reserved_regions";
    static final String IOMMU_UNITS = "sys/class/iommu";
    static final String INTEL_CAP = "intel-iommu/cap";
    static final String AMD_CAP = "amd-iommu/cap";
    static final String AMD_FEATURES = "amd-iommu/features";
    static final String POWER_SUPPLIES = "sys/class/power_supply";
    static final String BATTERY_PREFIX = "BAT";
    static final List<String> BATTERY_FILES = List.of("type", "present");
    /** The KVM vendor modules and their two-dimensional paging parameters. */
    static final List<KvmParameter> KVM_PARAMETERS = List.of(new KvmParameter("kvm_amd", "npt"),
            new KvmParameter("kvm_intel", "ept"));
    static final String FIRMWARE_DESCRIPTORS = "usr/share/qemu/firmware";
    /** libvirt's persistent domain definitions, whose {@code <rom file>} paths a root's ROM facts cover. */
    static final String DOMAIN_DEFINITIONS = "etc/libvirt/qemu";
    /** Where Debian and Ubuntu guides put VBIOS files, and AppArmor's libvirt-qemu abstraction lets QEMU read them. */
    static final String VGABIOS = "usr/share/vgabios";
    /** {@code <rom … file='/path' …>}, with either quote. */
    private static final Pattern ROM_FILE = Pattern.compile("<rom\\b[^>]*?\\bfile=(['\"])(/[^'\"]*)\\1");

    private static final Comparator<PciAddress> BY_ADDRESS = Comparator.comparingInt(PciAddress::domain)
            .thenComparingInt(PciAddress::bus).thenComparingInt(PciAddress::slot)
            .thenComparingInt(PciAddress::function);

    private final RootFiles files;
    private final List<HostWarning> warnings = new ArrayList<>();

    private HostRootReader(Path root) {
        this.files = new RootFiles(root, warnings);
    }

    /** Only the ROM files, with the warnings reading them gave, for a snapshot. */
    static RomFiles romFiles(Path root, List<HostWarning> warnings) {
        HostRootReader reader = new HostRootReader(root);
        RomFiles files = reader.romFiles();
        warnings.addAll(reader.warnings);
        return files;
    }

    public static HostFacts read(Path root) {
        return new HostRootReader(root).read();
    }

    private HostFacts read() {
        Optional<CpuInfo> cpu = files.readBytes(CPUINFO, RootFiles.MAX_CPUINFO_BYTES)
                .flatMap(bytes -> HostFormats.cpuInfo(new String(bytes, StandardCharsets.UTF_8),
                        CPUINFO, warnings));
        Optional<List<IommuUnit>> units = iommuUnits();
        Optional<List<IommuGroup>> groups = iommuGroups();
        Optional<List<PciDevice>> devices = pciDevices();
        Optional<Boolean> battery = battery();
        List<KvmModule> kvm = kvmModules();
        Optional<List<FirmwareDescriptor>> firmware = firmwareDescriptors();
        Optional<List<String>> framebuffers = framebuffers();
        Optional<Boolean> vendorReset = vendorResetLoaded();
        KernelIommu kernelIommu = new KernelIommuReader(files, warnings).read();
        QemuProcess qemuProcess = new QemuProcessReader(files, warnings).read();
        RomFiles romFiles = romFiles();
        Optional<RemoteCapture> remoteCapture = RemoteCapture.read(files);
        return new HostFacts(cpu, units, groups, devices, battery, kvm, framebuffers, vendorReset, firmware,
                kernelIommu, qemuProcess, romFiles, remoteCapture, warnings);
    }

    /**
     * A capture's {@value RomFiles#FILE}; a capture without one (every capture has {@value StackDetector#STACK_FILE})
     * recorded no ROM file. A root that is no capture is read as it is: the files its own domain definitions name and
     * those in {@value #VGABIOS}, and it can be asked for others.
     */
    private RomFiles romFiles() {
        Optional<String> captured = files.read(RomFiles.FILE);
        if (captured.isPresent()) {
            return RomFiles.read(captured.get(), warnings);
        }
        if (files.exists(StackDetector.STACK_FILE)) {
            return RomFiles.none();
        }
        return RomFiles.onRoot(files.resolve(""),
                () -> romPaths().stream().map(path -> RomFileReader.read(files.resolve(""), path)).toList());
    }

    /** The absolute ROM paths a snapshot of this root records. */
    private Set<String> romPaths() {
        Set<String> paths = new TreeSet<>();
        for (String name : files.list(DOMAIN_DEFINITIONS).orElse(List.of())) {
            if (name.endsWith(".xml")) {
                String path = DOMAIN_DEFINITIONS + "/" + name;
                files.readBytes(path, RootFiles.MAX_BYTES).ifPresent(bytes -> paths.addAll(romFileAttributes(bytes)));
            }
        }
        for (String name : files.list(VGABIOS).orElse(List.of())) {
            if (Files.isRegularFile(files.resolve(VGABIOS + "/" + name))) {
                paths.add("/" + VGABIOS + "/" + name);
            }
        }
        return paths;
    }

    /**
     * Every absolute {@code file} of a {@code <rom>} element in a domain definition libvirt wrote. The text is scanned
     * rather than parsed: a live host's definitions are read at every run with {@code --host-root /}, and libvirt
     * writes the attribute in one form ({@code <rom file='…'/>}, escaping only the five predefined entities).
     */
    private static List<String> romFileAttributes(byte[] xml) {
        List<String> found = new ArrayList<>();
        Matcher rom = ROM_FILE.matcher(new String(xml, StandardCharsets.UTF_8));
        while (rom.find()) {
            found.add(rom.group(2).replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<")
                    .replace("&gt;", ">").replace("&amp;", "&"));
        }
        return found;
    }

    private Optional<List<PciDevice>> pciDevices() {
        return files.list(PCI_DEVICES).map(names -> {
            List<PciDevice> devices = new ArrayList<>();
            for (String name : names) {
                String dir = PCI_DEVICES + "/" + name;
                Optional<PciAddress> address = HostFormats.bdf(name);
                if (address.isEmpty()) {
                    files.warn(dir, "not a PCI address (expected DDDD:BB:SS.F); ignored");
                    continue;
                }
                devices.add(new PciDevice(address.get(),
                        id(dir + "/vendor", 0xffff), id(dir + "/device", 0xffff),
                        id(dir + "/subsystem_vendor", 0xffff), id(dir + "/subsystem_device", 0xffff),
                        id(dir + "/class", 0xffffff),
                        files.read(dir + "/" + PCI_RESOURCE)
                                .flatMap(text -> HostFormats.resources(text, dir + "/" + PCI_RESOURCE, warnings)),
                        files.readLinkNameOrContent(dir + "/" + PCI_IOMMU_GROUP).flatMap(
                                text -> HostFormats.groupNumber(text, dir + "/" + PCI_IOMMU_GROUP, warnings)),
                        driverBinding(dir), resetMethods(dir),
                        files.read(dir + "/" + PCI_BOOT_VGA).flatMap(
                                text -> HostFormats.moduleFlag(text, dir + "/" + PCI_BOOT_VGA, warnings))));
            }
            devices.sort(Comparator.comparing(PciDevice::address, BY_ADDRESS));
            return devices;
        });
    }

    /**
     * A live sysfs links {@code driver} to the driver and has no {@code driver} while none is bound; a snapshot
     * keeps the driver's name in a plain file. {@code driver_override} exists on every PCI function since Linux
     * 3.16, so only a directory that has it tells "unbound" apart from "not captured" (an older snapshot).
     */
    private Optional<DriverBinding> driverBinding(String dir) {
        String link = dir + "/" + PCI_DRIVER;
        Optional<String> name = files.readLinkNameOrContent(link);
        if (name.isPresent()) {
            return HostFormats.driverName(name.get(), link, warnings).map(DriverBinding::bound);
        }
        return files.exists(dir + "/" + PCI_DRIVER_OVERRIDE) ? Optional.of(DriverBinding.UNBOUND) : Optional.empty();
    }

    /**
     * The kernel shows {@code reset} and {@code reset_method} only for a function it can reset
     * (pci_dev_reset_attr_is_visible, drivers/pci/pci-sysfs.c), so where the capture has the per-device files
     * ({@code driver_override}), a function without {@code reset} has no reset at all. With {@code reset} but
     * no {@code reset_method} (Linux before 5.15) the methods are unknown.
     */
    private Optional<List<String>> resetMethods(String dir) {
        String methods = dir + "/" + PCI_RESET_METHOD;
        Optional<String> text = files.read(methods);
        if (text.isPresent()) {
            return HostFormats.resetMethods(text.get(), methods, warnings);
        }
        boolean captured = files.exists(dir + "/" + PCI_DRIVER_OVERRIDE);
        return captured && !files.exists(dir + "/" + PCI_RESET) ? Optional.of(List.of()) : Optional.empty();
    }

    private Optional<List<String>> framebuffers() {
        return files.read(FRAMEBUFFERS).map(HostFormats::framebuffers);
    }

    /** Known wherever {@code sys/module} is: a module is loaded exactly when its directory is there. */
    private Optional<Boolean> vendorResetLoaded() {
        return files.isDirectory(MODULES)
                ? Optional.of(files.isDirectory(MODULES + "/" + VENDOR_RESET_MODULE)) : Optional.empty();
    }

    private Optional<Integer> id(String path, int max) {
        return files.read(path).flatMap(text -> HostFormats.hexId(text, path, max, warnings));
    }

    private Optional<List<IommuGroup>> iommuGroups() {
        return files.list(IOMMU_GROUPS).map(names -> {
            List<IommuGroup> groups = new ArrayList<>();
            for (String name : names) {
                String dir = IOMMU_GROUPS + "/" + name;
                if (!name.matches("\\d{1,9}")) {
                    files.warn(dir, "not an IOMMU group number; ignored");
                    continue;
                }
                List<PciAddress> pci = new ArrayList<>();
                List<String> other = new ArrayList<>();
                for (String member : files.list(dir + "/" + GROUP_DEVICES).orElse(List.of())) {
                    HostFormats.bdf(member).ifPresentOrElse(pci::add, () -> other.add(member));
                }
                pci.sort(BY_ADDRESS);
                String regions = dir + "/" + RESERVED_REGIONS;
                groups.add(new IommuGroup(Integer.parseInt(name), pci, other,
                        files.read(regions).flatMap(text -> HostFormats.reservedRegions(text, regions, warnings))));
            }
            groups.sort(Comparator.comparingInt(IommuGroup::number));
            return groups;
        });
    }

    /** Units that are neither VT-d nor AMD-Vi (virtio-iommu, Arm SMMU) say nothing about their width here. */
    private Optional<List<IommuUnit>> iommuUnits() {
        return files.list(IOMMU_UNITS).map(names -> {
            List<IommuUnit> units = new ArrayList<>();
            for (String name : names) {
                String dir = IOMMU_UNITS + "/" + name;
                if (files.isDirectory(dir + "/intel-iommu")) {
                    String cap = dir + "/" + INTEL_CAP;
                    Optional<String> text = files.read(cap);
                    if (text.isEmpty() && !files.exists(cap)) {
                        files.warn(cap, "missing: the unit's address width is unknown");
                    }
                    text.flatMap(value -> HostFormats.register(value, cap, warnings))
                            .ifPresent(register -> units.add(new IntelIommu(name, register)));
                } else if (files.isDirectory(dir + "/amd-iommu")) {
                    String cap = dir + "/" + AMD_CAP;
                    String features = dir + "/" + AMD_FEATURES;
                    units.add(new AmdIommu(name,
                            files.read(cap).flatMap(value -> HostFormats.register(value, cap, warnings)),
                            files.read(features).flatMap(value -> HostFormats.amdExtendedFeatures(value, features,
                                    warnings))));
                }
            }
            return units;
        });
    }

    /** A {@code BAT*} supply is a battery unless its {@code type} says otherwise or {@code present} is 0. */
    private Optional<Boolean> battery() {
        return files.list(POWER_SUPPLIES).map(names -> {
            boolean found = false;
            for (String name : names) {
                if (!name.startsWith(BATTERY_PREFIX)) {
                    continue;
                }
                String dir = POWER_SUPPLIES + "/" + name;
                boolean isBattery = files.read(dir + "/type").map(type -> type.strip().equals("Battery")).orElse(true);
                boolean present = files.read(dir + "/present").map(value -> !value.strip().equals("0")).orElse(true);
                found |= isBattery && present;
            }
            return found;
        });
    }

    private List<KvmModule> kvmModules() {
        List<KvmModule> modules = new ArrayList<>();
        for (KvmParameter parameter : KVM_PARAMETERS) {
            if (files.isDirectory(parameter.moduleDir())) {
                modules.add(new KvmModule(parameter.module(), parameter.name(), files.read(parameter.path())
                        .flatMap(text -> HostFormats.moduleFlag(text, parameter.path(), warnings))));
            }
        }
        return modules;
    }

    /** {@code sys/module/<module>/parameters/<name>}; the module directory exists only while it is loaded. */
    record KvmParameter(String module, String name) {
        String moduleDir() {
            return "sys/module/" + module;
        }

        String path() {
            return moduleDir() + "/parameters/" + name;
        }
    }

    private Optional<List<FirmwareDescriptor>> firmwareDescriptors() {
        return files.list(FIRMWARE_DESCRIPTORS).map(names -> {
            List<FirmwareDescriptor> descriptors = new ArrayList<>();
            for (String name : names) {
                if (!name.endsWith(".json")) {
                    continue;
                }
                String path = FIRMWARE_DESCRIPTORS + "/" + name;
                files.readBytes(path, RootFiles.MAX_BYTES)
                        .flatMap(bytes -> HostFormats.firmwareDescriptor(bytes, path, warnings))
                        .ifPresent(descriptors::add);
            }
            return descriptors;
        });
    }
}
