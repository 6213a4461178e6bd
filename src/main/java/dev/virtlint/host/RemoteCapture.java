package dev.virtlint.host;

import java.io.IOException;
import java.io.StringReader;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * How a host root written by {@code host-facts --connect} came to be: the libvirt connection it was read from and,
 * for each fact libvirt did not report, why. It is {@value #FILE} beside the captured files, so an unknown fact
 * says why it is unknown instead of looking like a file that went missing.
 */
public record RemoteCapture(String connection, Map<Fact, String> missing) {
    public static final String FILE = "virt-lint-capture.properties";
    private static final String CONNECTION = "connection";
    private static final String MISSING = "missing.";

    /** The facts a capture through libvirt can lack, with their keys in {@value #FILE}. */
    public enum Fact {
        CPU_VENDOR("cpu.vendor"),
        CPU_MODEL("cpu.model"),
        CPU_PHYS_BITS("cpu.physBits"),
        CPU_VIRT_BITS("cpu.virtBits"),
        CPU_FLAGS("cpu.flags"),
        KVM("kvm"),
        IOMMU_GROUPS("iommu.groups"),
        IOMMU_UNITS("iommu.units"),
        RESERVED_REGIONS("iommu.reservedRegions"),
        BATTERY("battery"),
        PCI_DEVICES("pci.devices"),
        PCI_SUBSYSTEM_IDS("pci.subsystemIds"),
        PCI_RESOURCES("pci.resources"),
        FIRMWARE("firmware"),
        KERNEL_IOMMU("kernel.iommu"),
        QEMU_PROCESS("qemu.process"),
        ROM_FILES("qemu.romFiles"),
        QEMU("stack.qemu"),
        LIBVIRT("stack.libvirt"),
        OVMF("stack.ovmf");

        private final String key;

        Fact(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public RemoteCapture {
        EnumMap<Fact, String> copy = new EnumMap<>(Fact.class);
        copy.putAll(missing);
        missing = Map.copyOf(copy);
    }

    /** "captured remotely from URI: REASON" when the fact was not reported, for a report row. */
    public Optional<String> whyMissing(Fact fact) {
        return Optional.ofNullable(missing.get(fact)).map(reason -> "captured remotely from " + connection + ": "
                + reason);
    }

    /** Keys in {@link Fact} order and no date, so capturing the same host twice gives the same bytes. */
    byte[] fileText() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(CONNECTION, connection);
        for (Fact fact : Fact.values()) {
            if (missing.containsKey(fact)) {
                values.put(MISSING + fact.key(), missing.get(fact));
            }
        }
        return SnapshotWriter.propertiesText("Captured through libvirt by virt-lint host-facts --connect;"
                + " missing.* are the facts libvirt did not report, and why", values);
    }

    /** Absent for a root that was not captured through libvirt; a file without a connection is a warning. */
    static Optional<RemoteCapture> read(RootFiles files) {
        Optional<String> text = files.read(FILE);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text.get()));
        } catch (IOException | IllegalArgumentException e) {
            files.warn(FILE, "not a properties file: " + e.getMessage());
            return Optional.empty();
        }
        String connection = properties.getProperty(CONNECTION, "").strip();
        if (connection.isEmpty()) {
            files.warn(FILE, "has no '" + CONNECTION + "' key; ignored");
            return Optional.empty();
        }
        Map<Fact, String> missing = new EnumMap<>(Fact.class);
        for (String key : properties.stringPropertyNames()) {
            Optional<Fact> fact = key.startsWith(MISSING) ? fact(key.substring(MISSING.length())) : Optional.empty();
            if (fact.isPresent()) {
                missing.put(fact.get(), properties.getProperty(key).strip());
            } else if (!key.equals(CONNECTION)) {
                files.warn(FILE, "unknown key '" + key + "'");
            }
        }
        return Optional.of(new RemoteCapture(connection, missing));
    }

    private static Optional<Fact> fact(String key) {
        for (Fact fact : Fact.values()) {
            if (fact.key().equals(key)) {
                return Optional.of(fact);
            }
        }
        return Optional.empty();
    }
}
