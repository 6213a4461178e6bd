package dev.virtlint.lint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.virtlint.host.CpuVendor;
import dev.virtlint.libvirt.CpuModels;
import dev.virtlint.platform.HostCpu;

/**
 * Which hosts of a {@link HostRange} something happens on, said for people ("an AMD host, or an Intel host with
 * fewer than 41 physical address bits") and for machines ({@code {"anyOf":[{"vendor":["amd"]},
 * {"vendor":["intel"],"hostPhysBitsBelow":41}]}}).
 */
final class HostCondition {
    private final HostRange.Dimensions dimensions;
    /** Vendor (empty when not enumerated) → the widths it happens at (empty set when widths are not enumerated). */
    private final Map<Optional<String>, Set<Integer>> widthsByVendor = new LinkedHashMap<>();

    HostCondition(HostRange.Dimensions dimensions, Iterable<HostCpu> hosts) {
        this.dimensions = dimensions;
        for (HostCpu host : hosts) {
            Set<Integer> widths = widthsByVendor.computeIfAbsent(dimensions.vendor() ? host.vendorId()
                    : Optional.empty(), vendor -> new TreeSet<>());
            if (dimensions.physBits()) {
                widths.add(host.physBits().getAsInt());
            }
        }
    }

    /** "an AMD host", "a host with fewer than 42 physical address bits", "any host", … */
    String describe() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Set<Integer>, List<Optional<String>>> group : vendorsByWidths().entrySet()) {
            String widths = widthPhrase(group.getKey(), narrowest(group.getValue()));
            List<Optional<String>> vendors = group.getValue();
            if (!dimensions.vendor() || vendors.size() == HostRange.VENDORS.size()) {
                parts.add(widths.isEmpty() ? "any host" : "a host" + widths);
            } else {
                parts.add(vendors.stream().map(vendor -> CpuVendor.fromVendorId(vendor.orElseThrow()).hostPhrase())
                        .reduce((a, b) -> a + " or " + b).orElseThrow() + widths);
            }
        }
        return String.join(", or ", parts);
    }

    private Map<Set<Integer>, List<Optional<String>>> vendorsByWidths() {
        Map<Set<Integer>, List<Optional<String>>> groups = new LinkedHashMap<>();
        for (Map.Entry<Optional<String>, Set<Integer>> entry : widthsByVendor.entrySet()) {
            groups.computeIfAbsent(entry.getValue(), widths -> new ArrayList<>()).add(entry.getKey());
        }
        return groups;
    }

    /** The condition as data: vendors and a width bound where they factor, else {@code anyOf} a list of those. */
    Object toData() {
        List<Map<String, Object>> alternatives = new ArrayList<>();
        for (Map.Entry<Set<Integer>, List<Optional<String>>> entry : vendorsByWidths().entrySet()) {
            Map<String, Object> condition = new LinkedHashMap<>();
            if (dimensions.vendor() && entry.getValue().size() < HostRange.VENDORS.size()) {
                condition.put("vendor", entry.getValue().stream().map(vendor -> vendorKey(vendor.orElseThrow()))
                        .toList());
            }
            if (dimensions.physBits()) {
                widthBound(entry.getKey(), narrowest(entry.getValue()), condition);
            }
            alternatives.add(condition);
        }
        return alternatives.size() == 1 ? alternatives.get(0) : Map.of("anyOf", alternatives);
    }

    /** The range as a whole, for data: {@code {"vendor":["amd","intel"],"hostPhysBits":[36,52]}}. */
    static Map<String, Object> rangeData(HostRange.Dimensions dimensions) {
        Map<String, Object> range = new LinkedHashMap<>();
        if (dimensions.vendor()) {
            range.put("vendor", HostRange.VENDORS.stream().map(HostCondition::vendorKey).toList());
        }
        if (dimensions.physBits()) {
            if (dimensions.vendor()) {
                Map<String, Object> byVendor = new LinkedHashMap<>();
                HostRange.VENDORS.forEach(vendor -> byVendor.put(vendorKey(vendor), List.of(HostRange.narrowest(
                        Optional.of(vendor), dimensions), HostRange.MAX_PHYS_BITS)));
                range.put("hostPhysBits", byVendor);
            } else {
                range.put("hostPhysBits", List.of(dimensions.narrowest(), HostRange.MAX_PHYS_BITS));
            }
        }
        return range;
    }

    /** The host facts this condition turns on: "the host's CPU vendor", "… physical address bits", or both. */
    String settledBy() {
        return facts(settling());
    }

    /** The command-line options that give those facts: "--host-vendor and --host-phys-bits". */
    String options() {
        HostRange.Dimensions settling = settling();
        List<String> options = new ArrayList<>();
        if (settling.vendor()) {
            options.add("--host-vendor");
        }
        if (settling.physBits()) {
            options.add("--host-phys-bits");
        }
        return String.join(" and ", options);
    }

    private HostRange.Dimensions settling() {
        Map<Set<Integer>, List<Optional<String>>> groups = vendorsByWidths();
        boolean vendorMatters = dimensions.vendor() && (groups.size() > 1
                || groups.values().iterator().next().size() < HostRange.VENDORS.size());
        boolean widthMatters = dimensions.physBits() && groups.keySet().stream()
                .anyMatch(widths -> widths.size() < HostRange.MAX_PHYS_BITS - narrowest(groups.get(widths)) + 1);
        return new HostRange.Dimensions(vendorMatters, widthMatters || !vendorMatters && dimensions.physBits(),
                dimensions.narrowest());
    }

    /** "the host's CPU vendor and physical address bits", for saying which facts would settle a verdict. */
    static String facts(HostRange.Dimensions dimensions) {
        if (dimensions.vendor() && dimensions.physBits()) {
            return "the host's CPU vendor and physical address bits";
        }
        return dimensions.vendor() ? "the host's CPU vendor" : "the host's physical address bits";
    }

    /** "AMD or Intel, 36 to 52 physical address bits (AMD from 43)", for "any host" of these. */
    static String rangeText(HostRange.Dimensions dimensions, Iterable<HostCpu> hosts) {
        List<String> parts = new ArrayList<>();
        if (dimensions.vendor()) {
            parts.add("AMD or Intel");
        }
        if (dimensions.physBits()) {
            TreeSet<Integer> all = new TreeSet<>();
            TreeSet<Integer> amd = new TreeSet<>();
            for (HostCpu host : hosts) {
                all.add(host.physBits().getAsInt());
                if (host.vendorId().filter(CpuModels.AMD::equals).isPresent()) {
                    amd.add(host.physBits().getAsInt());
                }
            }
            parts.add(all.first() + " to " + all.last() + " physical address bits" + (dimensions.vendor()
                    && !amd.isEmpty() && amd.first() > all.first() ? " (AMD from " + amd.first() + ")" : ""));
        }
        return String.join(", ", parts);
    }

    /**
     * A set of widths as bounds within the range: {@code below} and {@code atLeast} are empty where the set reaches
     * that end of the range; a set with gaps has neither and is listed as it is.
     */
    private record WidthBounds(boolean contiguous, Optional<Integer> atLeast, Optional<Integer> below) {
        static WidthBounds of(Set<Integer> widths, int narrowest) {
            int low = ((TreeSet<Integer>) widths).first();
            int high = ((TreeSet<Integer>) widths).last();
            return new WidthBounds(high - low + 1 == widths.size(),
                    low > narrowest ? Optional.of(low) : Optional.empty(),
                    high < HostRange.MAX_PHYS_BITS ? Optional.of(high + 1) : Optional.empty());
        }
    }

    /** The narrowest host of these vendors in the range. */
    private int narrowest(List<Optional<String>> vendors) {
        return vendors.stream().mapToInt(vendor -> HostRange.narrowest(vendor, dimensions)).min()
                .orElse(dimensions.narrowest());
    }

    private String widthPhrase(Set<Integer> widths, int narrowest) {
        if (!dimensions.physBits()) {
            return "";
        }
        WidthBounds bounds = WidthBounds.of(widths, narrowest);
        if (!bounds.contiguous()) {
            return " with " + widths.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                    + " physical address bits";
        }
        if (bounds.atLeast().isEmpty()) {
            return bounds.below().map(below -> " with fewer than " + below + " physical address bits").orElse("");
        }
        int low = bounds.atLeast().get();
        return bounds.below().map(below -> below == low + 1 ? " with " + low + " physical address bits"
                        : " with " + low + " to " + (below - 1) + " physical address bits")
                .orElse(" with at least " + low + " physical address bits");
    }

    private void widthBound(Set<Integer> widths, int narrowest, Map<String, Object> condition) {
        WidthBounds bounds = WidthBounds.of(widths, narrowest);
        if (!bounds.contiguous()) {
            condition.put("hostPhysBits", List.copyOf(widths));
            return;
        }
        bounds.atLeast().ifPresent(low -> condition.put("hostPhysBitsAtLeast", low));
        bounds.below().ifPresent(below -> condition.put("hostPhysBitsBelow", below));
    }

    static String vendorKey(String vendorId) {
        return CpuVendor.fromVendorId(vendorId).label();
    }
}
