package dev.virtlint.host;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.HostSnapshot.SnapshotException;
import dev.virtlint.host.LibvirtConnection.LibvirtConnectionException;
import dev.virtlint.host.RemoteCapture.Fact;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.XmlElement;
import dev.virtlint.xml.XmlLoadException;

/**
 * Builds a host root from what a libvirt connection reports ({@code host-facts --connect URI --snapshot DIR}), so
 * a fleet can be captured from one machine. It writes the files {@link HostRootReader} reads, holding only what
 * libvirt reported: a {@code proc/cpuinfo} with just {@code vendor_id} and the physical address bits from the
 * capabilities, the PCI devices' IDs and class and their IOMMU groups from the node devices, and the QEMU and
 * libvirt versions. What libvirt does not report (BARs, reserved regions, IOMMU units, battery, KVM parameters,
 * firmware descriptors, the OVMF version) is left out, so the reader sees it as unknown, and
 * {@value RemoteCapture#FILE} says why.
 */
public final class LibvirtSnapshot {
    /** libvirt's x86 vendor names (its {@code cpu_map/x86_vendors.xml}) and the CPUID strings they stand for. */
    private static final Map<String, String> VENDOR_IDS =
            Map.of("AMD", "AuthenticAMD", "Intel", "GenuineIntel", "Hygon", "HygonGenuine");

    /**
     * What a connection answered, before anything is written. A part libvirt could not give is absent, with
     * libvirt's error in {@code failures}; the capabilities are the one part a capture cannot do without.
     */
    public record Answers(String connection, String capabilitiesXml, Optional<List<String>> pciDevicesXml,
                          Optional<String> qemuVersion, Optional<String> libvirtVersion,
                          List<HostWarning> failures) {
        public Answers {
            pciDevicesXml = pciDevicesXml.map(List::copyOf);
            failures = List.copyOf(failures);
        }
    }

    /** One {@code <capability type='pci'>} of a node device. */
    private record NodePciDevice(PciAddress address, Optional<String> vendor, Optional<String> product,
                                 Optional<String> classCode, Optional<Integer> iommuGroup,
                                 List<PciAddress> groupMembers) {
    }

    private final Answers answers;
    private final List<HostWarning> warnings = new ArrayList<>();
    private final Map<Fact, String> missing = new EnumMap<>(Fact.class);

    private LibvirtSnapshot(Answers answers) {
        this.answers = answers;
        warnings.addAll(answers.failures());
    }

    /** Asks the connection for everything a capture writes; only a failure to read the capabilities is fatal. */
    public static Answers ask(LibvirtConnection connection, String uri) throws LibvirtConnectionException {
        String capabilities = connection.capabilitiesXml();
        List<HostWarning> failures = new ArrayList<>();
        Optional<List<String>> devices = Optional.empty();
        try {
            devices = Optional.of(connection.pciDevicesXml());
        } catch (LibvirtConnectionException e) {
            failures.add(new HostWarning("nodedev-list --cap pci", e.getMessage()));
        }
        Optional<String> qemu = Optional.empty();
        try {
            qemu = connection.qemuVersion();
        } catch (LibvirtConnectionException e) {
            failures.add(new HostWarning("version", e.getMessage()));
        }
        Optional<String> libvirt = Optional.empty();
        try {
            libvirt = Optional.of(connection.libvirtVersion());
        } catch (LibvirtConnectionException e) {
            failures.add(new HostWarning("version --daemon", e.getMessage()));
        }
        return new Answers(uri, capabilities, devices, qemu, libvirt, failures);
    }

    /**
     * Writes the root into {@code outDir} (empty or absent unless {@code force}). Everything is parsed first, so
     * an answer that cannot be read leaves nothing written.
     */
    public static HostSnapshot.Result write(Answers answers, Path outDir, boolean force) throws SnapshotException {
        return new LibvirtSnapshot(answers).write(outDir, force);
    }

    private HostSnapshot.Result write(Path outDir, boolean force) throws SnapshotException {
        XmlElement capabilities;
        try {
            capabilities = LibvirtConnection.loadCapabilities(answers.capabilitiesXml());
        } catch (LibvirtConnectionException e) {
            throw new SnapshotException(e.getMessage());
        }
        Optional<String> cpuinfo = cpuinfo(LibvirtConnection.hostCpu(capabilities));
        Optional<List<NodePciDevice>> devices = pciDevices();
        Optional<Map<Integer, TreeSet<String>>> groups = iommuGroups(capabilities, devices);
        unreported();
        if (answers.qemuVersion().isEmpty()) {
            missing.put(Fact.QEMU, failure("version").orElse("the connection's hypervisor is not QEMU"));
        }
        if (answers.libvirtVersion().isEmpty()) {
            missing.put(Fact.LIBVIRT, failure("version --daemon").orElse("libvirt gave no version"));
        }

        SnapshotWriter out = SnapshotWriter.open(outDir, force);
        if (cpuinfo.isPresent()) {
            out.write(HostRootReader.CPUINFO, cpuinfo.get());
        }
        if (devices.isPresent()) {
            writePciDevices(out, devices.get());
        }
        if (groups.isPresent()) {
            writeIommuGroups(out, groups.get());
        }
        out.write(RemoteCapture.FILE, new RemoteCapture(answers.connection(), missing).fileText());
        out.writeStack(new DetectedStack(answers.qemuVersion(), answers.libvirtVersion(), Optional.empty(),
                List.of()));
        int deleted = out.finish();
        return new HostSnapshot.Result(out.outDir(), out.filesWritten(), deleted, warnings);
    }

    /** The facts libvirt never reports, whatever the host. */
    private void unreported() {
        missing.put(Fact.CPU_MODEL, "libvirt names a CPU model of its own, not the processor's model name");
        missing.put(Fact.CPU_VIRT_BITS, "libvirt does not report the virtual address width");
        missing.put(Fact.CPU_FLAGS, "libvirt does not report the CPU flags of /proc/cpuinfo");
        missing.put(Fact.KVM, "libvirt does not report the KVM module parameters (kvm_amd npt, kvm_intel ept)");
        missing.put(Fact.IOMMU_UNITS, "libvirt does not report the IOMMU units or their address width");
        missing.put(Fact.RESERVED_REGIONS, "libvirt does not report the IOMMU groups' reserved regions");
        missing.put(Fact.BATTERY, "libvirt does not report batteries");
        missing.put(Fact.PCI_SUBSYSTEM_IDS, "libvirt does not report PCI subsystem IDs");
        missing.put(Fact.PCI_RESOURCES, "libvirt does not report PCI BARs (the sysfs resource file)");
        missing.put(Fact.FIRMWARE, "libvirt does not report QEMU's firmware descriptors (its domain capabilities"
                + " list the firmware images, but only on a read-write connection, and virt-lint connects read-only)");
        missing.put(Fact.OVMF, "libvirt does not report the OVMF version");
        missing.put(Fact.KERNEL_IOMMU, "libvirt does not report the kernel command line, /proc/interrupts or"
                + " vfio_iommu_type1's allow_unsafe_interrupts");
        missing.put(Fact.QEMU_PROCESS, "libvirt does not report the user QEMU runs as or the host's AppArmor policy");
        missing.put(Fact.ROM_FILES, "libvirt does not report the files its domains' <rom file> name");
    }

    /**
     * Only the lines libvirt gave a value for. The vendor is written as its CPUID string where libvirt's name has
     * one; any other name is kept as libvirt spelled it, which the reader, like {@code --connect}, takes for a
     * vendor that is neither AMD nor Intel.
     */
    private Optional<String> cpuinfo(LibvirtConnection.HostCpu cpu) {
        StringBuilder text = new StringBuilder();
        Optional<String> vendor = cpu.vendorName().filter(name -> name.matches("[A-Za-z0-9 _-]{1,32}"));
        if (vendor.isPresent()) {
            text.append("vendor_id\t: ").append(VENDOR_IDS.getOrDefault(vendor.get(), vendor.get())).append('\n');
        } else {
            missing.put(Fact.CPU_VENDOR, cpu.vendorName().isPresent()
                    ? "libvirt's capabilities name the host CPU vendor " + HostFormats.quote(cpu.vendorName().get())
                    + ", which is not a vendor name"
                    : "libvirt's capabilities name no host CPU vendor");
        }
        if (cpu.physBits().isPresent()) {
            text.append("address sizes\t: ").append(cpu.physBits().get()).append(" bits physical\n");
        } else {
            missing.put(Fact.CPU_PHYS_BITS, "libvirt's capabilities give no <maxphysaddr> for the host CPU");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text.toString());
    }

    /** Absent when libvirt could not list them or one device's XML cannot be read: half a list would mislead. */
    private Optional<List<NodePciDevice>> pciDevices() {
        if (answers.pciDevicesXml().isEmpty()) {
            String reason = failure("nodedev-list --cap pci").orElse("libvirt did not list the PCI devices");
            missing.put(Fact.PCI_DEVICES, reason);
            return Optional.empty();
        }
        List<NodePciDevice> devices = new ArrayList<>();
        for (String xml : answers.pciDevicesXml().get()) {
            try {
                devices.add(pciDevice(xml));
            } catch (XmlLoadException | IllegalArgumentException e) {
                String reason = "libvirt returned node device XML virt-lint cannot read: " + e.getMessage();
                warnings.add(new HostWarning("nodedev-dumpxml", reason));
                missing.put(Fact.PCI_DEVICES, reason);
                return Optional.empty();
            }
        }
        return Optional.of(devices);
    }

    private static NodePciDevice pciDevice(String xml) throws XmlLoadException {
        XmlElement device = new SafeXmlLoader().load("nodedev", xml.getBytes(StandardCharsets.UTF_8)).root();
        XmlElement pci = device.children("capability").stream()
                .filter(capability -> capability.attributeValue("type").orElse("").equals("pci"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("a PCI node device without a PCI capability"));
        PciAddress address = new PciAddress(number(pci, "domain", Integer.MAX_VALUE), number(pci, "bus", 0xff),
                number(pci, "slot", 0x1f), number(pci, "function", 7));
        Optional<XmlElement> group = pci.child("iommuGroup");
        List<PciAddress> members = new ArrayList<>();
        for (XmlElement member : group.map(element -> element.children("address")).orElse(List.of())) {
            members.add(new PciAddress(attribute(member, "domain", Integer.MAX_VALUE),
                    attribute(member, "bus", 0xff), attribute(member, "slot", 0x1f),
                    attribute(member, "function", 7)));
        }
        return new NodePciDevice(address, id(pci, "vendor", 0xffff), id(pci, "product", 0xffff),
                pci.child("class").map(element -> hex(element.text(), "class", 0xffffff)),
                group.map(element -> (int) decode(element.attributeValue("number").orElse(""), "iommuGroup number",
                        Integer.MAX_VALUE)),
                members);
    }

    private static Optional<String> id(XmlElement pci, String name, long max) {
        return pci.child(name).flatMap(element -> element.attributeValue("id")).map(text -> hex(text, name, max));
    }

    /** The sysfs form of an ID or class code, {@code 0x10de}, from libvirt's {@code 0x}-prefixed value. */
    private static String hex(String text, String name, long max) {
        int digits = max == 0xffff ? 4 : 6;
        return String.format(Locale.ROOT, "0x%0" + digits + "x", decode(text, name, max));
    }

    private static int number(XmlElement pci, String name, int max) {
        return (int) decode(pci.child(name).map(XmlElement::text).orElse(""), name, max);
    }

    private static int attribute(XmlElement address, String name, int max) {
        return (int) decode(address.attributeValue(name).orElse(""), "iommuGroup address " + name, max);
    }

    /** libvirt prints PCI numbers in decimal, IDs and addresses with {@code 0x}. */
    private static long decode(String text, String name, long max) {
        String value = text.strip();
        try {
            long parsed = value.startsWith("0x") ? Long.parseLong(value.substring(2), 16) : Long.parseLong(value);
            if (parsed >= 0 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw new IllegalArgumentException(name + " " + HostFormats.quote(value) + " is not a number from 0 to "
                + max);
    }

    /**
     * The groups the PCI devices report, each device listing its group's members (all PCI: libvirt fails on any
     * other member). Without any, libvirt's {@code <iommu support='no'/>} means {@code /sys/kernel/iommu_groups}
     * is empty or absent (its {@code virHostHasIOMMU}), which the reader takes for "IOMMU off".
     */
    private Optional<Map<Integer, TreeSet<String>>> iommuGroups(XmlElement capabilities,
                                                                 Optional<List<NodePciDevice>> devices) {
        Map<Integer, TreeSet<String>> groups = new TreeMap<>();
        for (NodePciDevice device : devices.orElse(List.of())) {
            device.iommuGroup().ifPresent(number -> {
                TreeSet<String> members = groups.computeIfAbsent(number, n -> new TreeSet<>());
                members.add(device.address().bdf());
                device.groupMembers().forEach(member -> members.add(member.bdf()));
            });
        }
        if (!groups.isEmpty()) {
            return Optional.of(groups);
        }
        Optional<String> support = capabilities.child("host", "iommu")
                .flatMap(iommu -> iommu.attributeValue("support"));
        if (support.equals(Optional.of("no"))) {
            return Optional.of(groups);
        }
        missing.put(Fact.IOMMU_GROUPS, devices.isEmpty() ? missing.get(Fact.PCI_DEVICES)
                : support.isPresent() ? "libvirt reports an IOMMU but no PCI device in an IOMMU group"
                : "libvirt reports neither whether the host has an IOMMU nor any IOMMU group");
        return Optional.empty();
    }

    private Optional<String> failure(String part) {
        return answers.failures().stream().filter(warning -> warning.path().equals(part))
                .map(HostWarning::message).findFirst();
    }

    private static void writePciDevices(SnapshotWriter out, List<NodePciDevice> devices) throws SnapshotException {
        out.directory(HostRootReader.PCI_DEVICES);
        for (NodePciDevice device : devices) {
            String dir = HostRootReader.PCI_DEVICES + "/" + device.address().bdf();
            out.directory(dir);
            if (device.vendor().isPresent()) {
                out.write(dir + "/vendor", device.vendor().get() + "\n");
            }
            if (device.product().isPresent()) {
                out.write(dir + "/device", device.product().get() + "\n");
            }
            if (device.classCode().isPresent()) {
                out.write(dir + "/class", device.classCode().get() + "\n");
            }
            if (device.iommuGroup().isPresent()) {
                out.write(dir + "/" + HostRootReader.PCI_IOMMU_GROUP, device.iommuGroup().get() + "\n");
            }
            out.keepIfEmpty(dir);
        }
        out.keepIfEmpty(HostRootReader.PCI_DEVICES);
    }

    private static void writeIommuGroups(SnapshotWriter out, Map<Integer, TreeSet<String>> groups)
            throws SnapshotException {
        out.directory(HostRootReader.IOMMU_GROUPS);
        for (var group : groups.entrySet()) {
            String devices = HostRootReader.IOMMU_GROUPS + "/" + group.getKey() + "/" + HostRootReader.GROUP_DEVICES;
            for (String member : group.getValue()) {
                out.write(devices + "/" + member, new byte[0]);
            }
        }
        out.keepIfEmpty(HostRootReader.IOMMU_GROUPS);
    }
}
