package dev.virtlint.firmware;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of QEMU's {@code info pci} the oracle compares, by device id: where BAR 2 of each ivshmem device is
 * mapped and each root port's prefetchable window. A device OVMF rejected shows "(not mapped)"; a bridge without a
 * window shows a base above its limit.
 */
record InfoPci(Map<String, Optional<Long>> bar2ById, Map<String, Optional<long[]>> prefetchableWindowById) {

    private static final Pattern HEADER = Pattern.compile("^\\s*Bus\\s+\\d+, device\\s+\\d+, function \\d+:");
    private static final Pattern BAR2 = Pattern.compile("BAR2: 64 bit prefetchable memory (?:at 0x([0-9a-f]+)|\\(not mapped\\))");
    private static final Pattern WINDOW = Pattern.compile("prefetchable memory range \\[0x([0-9a-f]+), 0x([0-9a-f]+)\\]");
    private static final Pattern ID = Pattern.compile("^\\s*id \"([^\"]*)\"");

    static InfoPci parse(String text) {
        Map<String, Optional<Long>> bars = new HashMap<>();
        Map<String, Optional<long[]>> windows = new HashMap<>();
        Optional<Long> bar = null;
        Optional<long[]> window = null;
        for (String line : text.lines().toList()) {
            if (HEADER.matcher(line).find()) {
                bar = null;
                window = null;
                continue;
            }
            Matcher barMatch = BAR2.matcher(line);
            if (barMatch.find()) {
                bar = barMatch.group(1) == null ? Optional.empty()
                        : Optional.of(Long.parseUnsignedLong(barMatch.group(1), 16));
            }
            Matcher windowMatch = WINDOW.matcher(line);
            if (windowMatch.find()) {
                long base = Long.parseUnsignedLong(windowMatch.group(1), 16);
                long limit = Long.parseUnsignedLong(windowMatch.group(2), 16);
                window = Long.compareUnsigned(base, limit) > 0 ? Optional.empty()
                        : Optional.of(new long[] {base, limit - base + 1});
            }
            Matcher id = ID.matcher(line);
            if (id.find()) {
                if (bar != null) {
                    bars.put(id.group(1), bar);
                }
                if (window != null) {
                    windows.put(id.group(1), window);
                }
            }
        }
        return new InfoPci(Map.copyOf(bars), Map.copyOf(windows));
    }
}
