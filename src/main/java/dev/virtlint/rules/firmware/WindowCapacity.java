package dev.virtlint.rules.firmware;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import dev.virtlint.domain.MemorySize;
import dev.virtlint.host.CpuVendor;
import dev.virtlint.platform.Platform;

/**
 * How large OVMF's 64-bit PCI window is on each kind of host a domain could run on: what a GPU's 64-bit BARs may add
 * up to where their sizes are unknown. Said by VL203 and printed by {@code virt-lint map}.
 *
 * @param bytesByVendor the window sizes seen per vendor ({@code amd}, {@code intel}, or {@code any} where the vendor is
 *                      the run's own), over the platforms of a host range
 */
public record WindowCapacity(Map<String, TreeSet<Long>> bytesByVendor) {
    /** The key where the window does not depend on the host's vendor. */
    static final String ANY_VENDOR = "any";

    public static WindowCapacity of(List<Platform> platforms) {
        Map<String, TreeSet<Long>> windows = new LinkedHashMap<>();
        for (Platform platform : platforms) {
            platform.firmware().value().ifPresent(plan -> windows.computeIfAbsent(platform.host().vendorId()
                    .map(id -> CpuVendor.fromVendorId(id).label()).orElse(ANY_VENDOR), v -> new TreeSet<>())
                    .add(plan.aperture().size()));
        }
        return new WindowCapacity(windows);
    }

    public boolean isEmpty() {
        return bytesByVendor.isEmpty();
    }

    /** Whether every host of the range gets the same window. */
    public boolean isSingle() {
        return bytesByVendor.size() <= 1 && bytesByVendor.values().stream().allMatch(sizes -> sizes.size() == 1);
    }

    /** The smallest and largest window per vendor, for JSON/SARIF {@code data}. */
    public Map<String, Object> data() {
        Map<String, Object> data = new LinkedHashMap<>();
        bytesByVendor.forEach((vendor, sizes) -> data.put(vendor, List.of(sizes.first(), sizes.last())));
        return data;
    }

    /** "32 GiB on an Intel host and 128 GiB on an AMD one", "8 GiB to 16 TiB (wider with more host address bits)". */
    public String text() {
        Map<String, TreeSet<Long>> windows = bytesByVendor;
        List<String> parts = new ArrayList<>();
        if (windows.values().stream().map(sizes -> List.of(sizes.first(), sizes.last())).distinct().count() == 1) {
            windows = Map.of(ANY_VENDOR, windows.values().iterator().next());
        }
        for (Map.Entry<String, TreeSet<Long>> entry : windows.entrySet()) {
            TreeSet<Long> sizes = entry.getValue();
            String size = sizes.size() == 1 ? MemorySize.format(sizes.first())
                    : MemorySize.format(sizes.first()) + " to " + MemorySize.format(sizes.last())
                            + " (wider with more host address bits)";
            parts.add(entry.getKey().equals(ANY_VENDOR) ? size
                    : size + " on " + CpuVendor.valueOf(entry.getKey().toUpperCase(Locale.ROOT)).hostPhrase());
        }
        return String.join(" and ", parts);
    }
}
