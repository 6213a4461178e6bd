package dev.virtlint.rules.firmware;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.host.CpuVendor;
import dev.virtlint.firmware.OvmfPlan;
import dev.virtlint.platform.Platform;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * Once per domain, at the first passed-through device whose BARs the run cannot size: which devices go unchecked,
 * and what OVMF's 64-bit window can hold instead, per kind of host where the window depends on the host.
 */
@RuleInfo(id = "VL203", name = "bar-sizes-unknown", severity = Severity.INFO, family = Family.FIRMWARE,
        summary = "Without the passed-through devices' BAR sizes, whether OVMF can place them is not checked")
public final class BarSizesUnknown implements Rule {
    /** The key of {@code data.windowBytes} where the window does not depend on the host's vendor. */
    private static final String ANY_VENDOR = "any";
    private static final String LARGE_BARS = "a GPU whose 64-bit BARs, with the root ports' hot-plug padding, need"
            + " more (resizable-BAR consumer cards ask for 16-32 GiB, data-centre cards for 64-128 GiB and more) is"
            + " left without resources";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<OvmfPlan> plan = context.platform().firmware().value();
        if (plan.isEmpty()) {
            return List.of();
        }
        List<Hostdev> unsized = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        Optional<String> reason = Optional.empty();
        for (Hostdev hostdev : context.domain().pciHostdevs()) {
            // A device the host does not have is VL601's error; its BARs are not the question then.
            Optional<String> why = hostdev.source().isEmpty() || PassthroughBars.absentFromHost(hostdev, context.hostFacts())
                    ? Optional.empty() : PassthroughBars.whyUnknown(hostdev, context.hostFacts(), context.declaredDevices());
            if (why.isPresent()) {
                unsized.add(hostdev);
                devices.add(hostdev.source().get().bdf());
                reason = reason.or(() -> why);
            }
        }
        if (unsized.isEmpty()) {
            return List.of();
        }
        String release = plan.get().input().release().toString();
        Map<String, TreeSet<Long>> windows = windowsByVendor(context.hostRange());
        String capacity = windows.size() <= 1 && windows.values().stream().allMatch(sizes -> sizes.size() == 1)
                ? "It will have " + FirmwarePrediction.describe(plan.get().aperture())
                : "OVMF " + release + " gives this guest a 64-bit PCI window of " + capacityText(windows);
        String message = "whether OVMF " + release + " can place the BARs of host device" + (devices.size() > 1 ? "s "
                : " ") + String.join(", ", devices) + " is not checked: " + reason.get() + ". " + capacity + ": "
                + LARGE_BARS;
        Map<String, Object> windowBytes = new LinkedHashMap<>();
        windows.forEach((vendor, sizes) -> windowBytes.put(vendor, List.of(sizes.first(), sizes.last())));
        return List.of(context.finding(this, unsized.get(0).element(), message)
                .data("hostDevices", devices)
                .data("reason", reason.get())
                .data("windowBytes", windowBytes)
                .build());
    }

    /** Smallest and largest window per vendor ("amd", "intel", or "any" where the vendor is the run's own). */
    private static Map<String, TreeSet<Long>> windowsByVendor(List<Platform> platforms) {
        Map<String, TreeSet<Long>> windows = new LinkedHashMap<>();
        for (Platform platform : platforms) {
            platform.firmware().value().ifPresent(plan -> windows.computeIfAbsent(platform.host().vendorId()
                    .map(id -> CpuVendor.fromVendorId(id).label()).orElse(ANY_VENDOR), v -> new TreeSet<>())
                    .add(plan.aperture().size()));
        }
        return windows;
    }

    /** "32 GiB on an Intel host and 128 GiB on an AMD one", "8 GiB to 16 TiB, wider on hosts with more address bits" */
    private static String capacityText(Map<String, TreeSet<Long>> windows) {
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
