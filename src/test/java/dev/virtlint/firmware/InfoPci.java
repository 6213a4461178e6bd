package dev.virtlint.firmware;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of QEMU's {@code info pci} the oracle compares, by device id: where each BAR is mapped (I/O and memory,
 * the expansion ROM as BAR 6) and each bridge's prefetchable and I/O windows. A BAR the firmware left unprogrammed,
 * or whose decoding it turned off, shows "(not mapped)"; a bridge without a window shows a base above its limit. A
 * function without an id (the chipset's own, such as ICH9's AHCI) is named by its address, {@code 00:1f.2}.
 */
record InfoPci(Map<String, Map<Integer, Optional<Long>>> barsById,
               Map<String, Optional<long[]>> prefetchableWindowById,
               Map<String, Optional<long[]>> ioWindowById) {

    private static final Pattern HEADER = Pattern.compile(
            "^\\s*Bus\\s+(\\d+), device\\s+(\\d+), function (\\d+):");
    private static final Pattern BAR = Pattern.compile(
            "BAR(\\d): (?:I/O|\\d+ bit (?:prefetchable )?memory) (?:at 0x([0-9a-f]+)|\\(not mapped\\))");
    private static final Pattern WINDOW = Pattern.compile("prefetchable memory range \\[0x([0-9a-f]+), 0x([0-9a-f]+)\\]");
    private static final Pattern IO_WINDOW = Pattern.compile("IO range \\[0x([0-9a-f]+), 0x([0-9a-f]+)\\]");
    private static final Pattern ID = Pattern.compile("^\\s*id \"([^\"]*)\"");

    static InfoPci parse(String text) {
        Map<String, Map<Integer, Optional<Long>>> bars = new HashMap<>();
        Map<String, Optional<long[]>> windows = new HashMap<>();
        Map<String, Optional<long[]>> ioWindows = new HashMap<>();
        Map<Integer, Optional<Long>> deviceBars = new TreeMap<>();
        Optional<long[]> window = null;
        Optional<long[]> ioWindow = null;
        String address = "";
        for (String line : text.lines().toList()) {
            Matcher header = HEADER.matcher(line);
            if (header.find()) {
                deviceBars = new TreeMap<>();
                window = null;
                ioWindow = null;
                address = String.format(Locale.ROOT, "%02x:%02x.%d", Integer.parseInt(header.group(1)),
                        Integer.parseInt(header.group(2)), Integer.parseInt(header.group(3)));
                continue;
            }
            Matcher barMatch = BAR.matcher(line);
            if (barMatch.find()) {
                deviceBars.put(Integer.parseInt(barMatch.group(1)), barMatch.group(2) == null ? Optional.empty()
                        : Optional.of(Long.parseUnsignedLong(barMatch.group(2), 16)));
            }
            Matcher windowMatch = WINDOW.matcher(line);
            if (windowMatch.find()) {
                window = range(windowMatch);
            }
            Matcher ioMatch = IO_WINDOW.matcher(line);
            if (ioMatch.find()) {
                ioWindow = range(ioMatch);
            }
            Matcher id = ID.matcher(line);
            if (id.find()) {
                String name = id.group(1).isEmpty() ? address : id.group(1);
                bars.put(name, Map.copyOf(deviceBars));
                if (window != null) {
                    windows.put(name, window);
                }
                if (ioWindow != null) {
                    ioWindows.put(name, ioWindow);
                }
            }
        }
        return new InfoPci(Map.copyOf(bars), Map.copyOf(windows), Map.copyOf(ioWindows));
    }

    private static Optional<long[]> range(Matcher match) {
        long base = Long.parseUnsignedLong(match.group(1), 16);
        long limit = Long.parseUnsignedLong(match.group(2), 16);
        return Long.compareUnsigned(base, limit) > 0 ? Optional.empty()
                : Optional.of(new long[] {base, limit - base + 1});
    }

    /** Where BAR {@code index} of device {@code id} is mapped; empty when it is not, or the device has no such BAR. */
    Optional<Long> address(String id, int index) {
        return barsById.getOrDefault(id, Map.of()).getOrDefault(index, Optional.empty());
    }
}
