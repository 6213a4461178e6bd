package dev.virtlint.rules.qemu;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.data.GeneratedTable;

/**
 * The device models of {@code qemu-system-x86_64} and the bus each plugs into ({@code PCI}, {@code usb-bus},
 * {@code ISA}, …), by name and by alias. Generated from the installed QEMU's {@code -device help} by
 * {@code scripts/qemu-devices.py}; an oracle test keeps it in step with the binary.
 */
public final class QemuDeviceTable {
    public static final String PCI = "PCI";
    public static final String USB = "usb-bus";

    private static final Map<String, String> BUS_BY_NAME = load();

    private QemuDeviceTable() {
    }

    private static Map<String, String> load() {
        Map<String, String> buses = new HashMap<>();
        for (String[] row : GeneratedTable.load(QemuDeviceTable.class, "qemu-devices.tsv").rows()) {
            buses.put(row[0], row[1]);
            if (!row[2].equals("-")) {
                buses.put(row[2], row[1]);
            }
        }
        return Map.copyOf(buses);
    }

    public static boolean isKnown(String model) {
        return BUS_BY_NAME.containsKey(model);
    }

    /** The bus the model plugs into; empty for unknown models and for those that need none ("-"). */
    public static Optional<String> busOf(String model) {
        return Optional.ofNullable(BUS_BY_NAME.get(model)).filter(bus -> !bus.equals("-"));
    }
}
