package dev.virtlint.rules.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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
        try (var in = QemuDeviceTable.class.getResourceAsStream("qemu-devices.tsv");
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("\t");
                buses.put(fields[0], fields[1]);
                if (!fields[2].equals("-")) {
                    buses.put(fields[2], fields[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
