package dev.virtlint.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.firmware.Aperture;
import dev.virtlint.firmware.OvmfModel;
import dev.virtlint.firmware.OvmfPlan;
import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.OvmfReleaseSpan;
import dev.virtlint.firmware.PciNode;
import dev.virtlint.firmware.Placement;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.PlatformResolver;
import dev.virtlint.report.svg.AddressMapSvg;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.firmware.PassthroughBars;

/**
 * The firmware half of {@code virt-lint map}: OVMF's 64-bit PCI window and where it puts each 64-bit BAR and root-port
 * window, and how full its PCI I/O space is, from the same model the firmware rules use.
 */
final class FirmwareMapView {
    private FirmwareMapView() {
    }

    /**
     * What OVMF does with the guest, once BAR sizes from host facts or declared devices are filled in; empty when they
     * are not known.
     */
    private record View(OvmfPlan plan, Optional<Placement> placement, List<String> unsized) {
    }

    private static Optional<View> view(DomainDef domain, Platform platform, LintEnvironment environment) {
        Optional<OvmfPlan> plan = platform.firmware().value();
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        List<String> unsized = new ArrayList<>();
        for (Hostdev hostdev : domain.pciHostdevs()) {
            PassthroughBars.whyUnknown(hostdev, environment.hostFacts(),
                    environment.declaredDevices()).ifPresent(why -> unsized.add(
                    hostdev.source().map(s -> "hostdev " + s.bdf()).orElse("a hostdev") + ": " + why));
        }
        OvmfPlan sized = plan.get().withHostBars(PassthroughBars.of(domain.pciHostdevs(),
                environment.hostFacts(), environment.declaredDevices()), PassthroughBars.vgaControllers(
                domain.pciHostdevs(), environment.hostFacts(), environment.declaredDevices()));
        return Optional.of(new View(sized, unsized.isEmpty() ? Optional.of(sized.place()) : Optional.empty(), unsized));
    }

    static void text(PrintWriter out, DomainDef domain, Platform platform, LintEnvironment environment) {
        out.println();
        Optional<View> view = view(domain, platform, environment);
        if (view.isEmpty()) {
            out.println("firmware         not predicted: " + platform.firmware().source());
            return;
        }
        Aperture aperture = view.get().plan().aperture();
        out.println("firmware         " + aperture.explanation());
        OvmfRelease release = view.get().plan().input().release();
        out.println("ovmf release     " + release + (environment.ovmfAssumed() ? ", assumed: nothing names the host's"
                + " (give --ovmf-version or --host-root); the lint checks every release from "
                + OvmfRelease.OLDEST_ASSUMED + ", span by span (below), and this map draws " + release
                : ", " + release.evidence()));
        if (environment.ovmfAssumed()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"  ovmf releases", "64-bit window", "size", "model"});
            for (SpanWindow window : spanWindows(domain, platform)) {
                rows.add(new String[] {"  " + window.span().label(), window.aperture().map(a -> a.size() == 0 ? "none"
                        : Hex.of(a.base()) + "-" + Hex.of(a.lastAddress())).orElse("not predicted"),
                        window.aperture().map(a -> MemorySize.format(a.size())).orElse(""),
                        window.span().verifiedByBoot() ? "booted" : "edk2 source"});
            }
            out.println("ovmf spans       the window each span of releases gives this guest (the lint checks all):");
            TextTable.print(out, rows, false);
        }
        if (aperture.size() == 0) {
            out.println("ovmf-mmio64      none: OVMF has no 64-bit PCI window");
        } else {
            out.printf("ovmf-mmio64      %s-%s  %s%s%n", Hex.of(aperture.base()), Hex.of(aperture.lastAddress()),
                    MemorySize.format(aperture.size()), aperture.movedFrom().isPresent()
                            ? " (moved from " + Hex.of(aperture.movedFrom().getAsLong()) + ")" : "");
        }
        long padding = OvmfModel.hotplugPadding(release, aperture.size());
        out.println("hot-plug padding " + (padding == 0 ? "none in the 64-bit window"
                : MemorySize.format(padding) + " of 64-bit window per hot-pluggable root port")
                + (release.behaviour().padsHotplugPortsInIoSpace() ? ", and 512 B of I/O space (a 4 KiB bridge window)"
                        : ""));
        view.get().plan().notes().forEach(note -> out.println("topology         " + note));
        if (view.get().placement().isEmpty()) {
            out.println("BAR placement    not predicted, BAR sizes unknown: " + String.join("; ", view.get().unsized()));
            return;
        }
        Placement placement = view.get().placement().get();
        Placement.Io io = placement.io();
        out.println("ovmf-io          " + Hex.of(io.aperture().base()) + "-" + Hex.of(io.aperture().end() - 1) + "  "
                + MemorySize.format(io.aperture().size()) + " of PCI I/O ports; " + (io.requiredBytes() == 0
                        ? "nothing needs them" : "the I/O BARs and bridges' 4 KiB I/O windows need "
                        + MemorySize.format(io.requiredBytes()) + (io.rejected().isEmpty() ? ""
                                : ", more than it has: see below")));
        out.println();
        record Row(long start, String[] cells) {
        }
        List<Row> placed = new ArrayList<>();
        for (Placement.BridgeWindow window : placement.bridgeWindows()) {
            placed.add(new Row(window.start(), new String[] {window.bridge().id() + " window", Hex.of(window.start()),
                Hex.of(window.end()), MemorySize.format(window.size())}));
        }
        for (Placement.PlacedBar bar : placement.bars()) {
            placed.add(new Row(bar.start(), new String[] {bar.endpoint().id() + " BAR " + bar.bar().index(),
                Hex.of(bar.start()), Hex.of(bar.end()), MemorySize.format(bar.bar().size())}));
        }
        placed.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"64-bit BAR or window", "start", "end", "size"});
        placed.forEach(row -> rows.add(row.cells()));
        TextTable.print(out, rows, false);
        out.println();
        out.println("OVMF places      " + switch (placement.outcome()) {
            case ALL_PLACED -> placement.rejected().isEmpty() ? "every BAR" : rejections(placement);
            case DEVICES_REJECTED -> rejections(placement);
            case ENUMERATION_FAILED -> "nothing: it stops before its boot manager (" + (io.exhausted()
                    ? "its I/O space is full, with nothing left it may reject"
                    : "the BARs need " + MemorySize.format(placement.requiredBytes())) + ")";
        });
    }

    /**
     * What OVMF gave up to make room: the padding of hot-pluggable bridges, devices with all their BARs, each for its
     * 64-bit window or its I/O space.
     */
    private static String rejections(Placement placement) {
        List<String> steps = new ArrayList<>();
        for (boolean forIo : new boolean[] {true, false}) {
            List<PciNode> rejected = placement.rejected().stream()
                    .filter(node -> placement.rejectedForIo(node) == forIo).toList();
            List<PciNode> paddings = rejected.stream().filter(PciNode.Bridge.class::isInstance).toList();
            List<PciNode> devices = rejected.stream().filter(PciNode.Endpoint.class::isInstance).toList();
            String where = forIo ? " for its I/O space" : " for its 64-bit window";
            if (!paddings.isEmpty()) {
                steps.add("dropping the hot-plug padding of " + ids(paddings) + where);
            }
            if (!devices.isEmpty()) {
                steps.add("rejecting " + ids(devices) + where);
            }
        }
        boolean devicesRejected = placement.rejected().stream().anyMatch(PciNode.Endpoint.class::isInstance);
        return (devicesRejected ? "the rest, after " : "every BAR, after ") + String.join(" and ", steps)
                + (placement.unassigned().isEmpty() ? "" : "; without resources: "
                        + ids(List.copyOf(placement.unassigned())));
    }

    /**
     * The firmware window and each placed 64-bit BAR as picture bands; a window past the vCPU's reach or in
     * AMD's HyperTransport hole, and a placement that leaves BARs out, are problems.
     */
    static AddressMapSvg.Picture picture(DomainDef domain, Platform platform, LintEnvironment environment) {
        AddressMapSvg.Picture picture = AddressMapSvg.of(platform);
        Optional<View> view = view(domain, platform, environment);
        if (view.isEmpty() || view.get().plan().aperture().size() == 0) {
            return picture;
        }
        Aperture aperture = view.get().plan().aperture();
        List<AddressMapSvg.Band> bands = new ArrayList<>(picture.bands());
        List<String> problems = new ArrayList<>(picture.problems());
        List<String> notes = new ArrayList<>(picture.notes());
        OvmfRelease release = view.get().plan().input().release();
        notes.add("OVMF " + release + ": " + release.evidence());
        boolean windowProblem = aperture.beyond(platform.physBits().value().orElse(64))
                || (platform.vendorIsAmd() && aperture.overlaps(0xfd_0000_0000L, 0xff_ffff_ffffL));
        bands.add(new AddressMapSvg.Band("ovmf-mmio64", aperture.base(), aperture.lastAddress(), "firmware",
                "OVMF's 64-bit PCI window (" + aperture.kind().name().toLowerCase(Locale.ROOT) + ")", windowProblem));
        view.get().placement().ifPresent(placement -> {
            for (Placement.PlacedBar bar : placement.bars()) {
                bands.add(new AddressMapSvg.Band(bar.endpoint().id() + " BAR " + bar.bar().index(), bar.start(),
                        bar.end(), "bar", "64-bit BAR placed by OVMF", false));
            }
            if (!placement.unassigned().isEmpty()) {
                problems.add("OVMF leaves BARs unassigned: " + placement.outcome().name().toLowerCase(Locale.ROOT)
                        .replace('_', ' '));
            }
        });
        if (windowProblem) {
            problems.add("OVMF's 64-bit window " + Hex.of(aperture.base()) + "-" + Hex.of(aperture.lastAddress())
                    + " lies beyond the vCPU's reach or in AMD's HyperTransport hole");
        }
        return new AddressMapSvg.Picture(picture.title(), picture.subtitle(), bands, picture.addressLimit(),
                picture.limitLabel(), picture.limitExceeded(), problems, notes);
    }

    /** The window a span of OVMF releases gives the guest on this platform's host: empty where it is not predicted. */
    private record SpanWindow(OvmfReleaseSpan span, Optional<Aperture> aperture) {
    }

    /** Each span of releases the lint checks where no OVMF is named, with the window it gives on this host. */
    private static List<SpanWindow> spanWindows(DomainDef domain, Platform platform) {
        PlatformResolver.ForDomain platforms = PlatformResolver.forDomain(domain);
        return OvmfReleaseSpan.WHEN_UNNAMED.stream().map(span -> new SpanWindow(span, platforms.resolve(platform
                .stack().withOvmf(span.modelledAs().parseableText()), platform.host()).firmware().value()
                .map(OvmfPlan::aperture))).toList();
    }

    static Map<String, Object> json(DomainDef domain, Platform platform, LintEnvironment environment) {
        Map<String, Object> json = new LinkedHashMap<>();
        Optional<View> view = view(domain, platform, environment);
        if (view.isEmpty()) {
            json.put("predicted", false);
            json.put("reason", platform.firmware().source());
            return json;
        }
        Aperture aperture = view.get().plan().aperture();
        json.put("predicted", true);
        OvmfRelease release = view.get().plan().input().release();
        json.put("ovmfRelease", release.toString());
        json.put("ovmfVerifiedByBoot", release.verifiedByBoot());
        json.put("ovmfEvidence", release.evidence());
        json.put("windowKind", aperture.kind().name().toLowerCase(Locale.ROOT));
        json.put("windowStart", Hex.of(aperture.base()));
        json.put("windowEnd", aperture.size() == 0 ? null : Hex.of(aperture.lastAddress()));
        json.put("windowSize", aperture.size());
        json.put("physBitsTrusted", aperture.physBitsTrusted());
        json.put("physBitsUsed", aperture.physBitsUsed());
        json.put("explanation", aperture.explanation());
        json.put("hotplugPadding", OvmfModel.hotplugPadding(release, aperture.size()));
        json.put("notes", view.get().plan().notes());
        if (environment.ovmfAssumed()) {
            json.put("windowsByOvmfSpan", spanWindows(domain, platform).stream().map(window -> {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("ovmfReleases", window.span().label());
                w.put("ovmfVerifiedByBoot", window.span().verifiedByBoot());
                w.put("windowStart", window.aperture().map(a -> Hex.of(a.base())).orElse(null));
                w.put("windowSize", window.aperture().map(Aperture::size).orElse(null));
                return w;
            }).toList());
        }
        if (view.get().placement().isEmpty()) {
            json.put("placement", null);
            json.put("unsized", view.get().unsized());
            return json;
        }
        Placement placement = view.get().placement().get();
        Map<String, Object> placementJson = new LinkedHashMap<>();
        placementJson.put("outcome", placement.outcome().name().toLowerCase(Locale.ROOT));
        placementJson.put("requiredBytes", placement.requiredBytes());
        placementJson.put("bars", placement.bars().stream().map(bar -> {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("device", bar.endpoint().id());
            b.put("hostDevice", bar.endpoint().hostDevice().orElse(null));
            b.put("bar", bar.bar().index());
            b.put("start", Hex.of(bar.start()));
            b.put("end", Hex.of(bar.end()));
            b.put("size", bar.bar().size());
            return b;
        }).toList());
        placementJson.put("bridgeWindows", windowsJson(placement.bridgeWindows()));
        placementJson.put("rejected", placement.rejected().stream().map(PciNode::id).toList());
        placementJson.put("unassigned", placement.unassigned().stream().map(PciNode::id).toList());
        Placement.Io io = placement.io();
        Map<String, Object> ioJson = new LinkedHashMap<>();
        ioJson.put("start", Hex.of(io.aperture().base()));
        ioJson.put("end", Hex.of(io.aperture().end() - 1));
        ioJson.put("size", io.aperture().size());
        ioJson.put("requiredBytes", io.requiredBytes());
        ioJson.put("bridgeWindows", windowsJson(io.windows()));
        ioJson.put("rejected", io.rejected().stream().map(PciNode::id).toList());
        placementJson.put("io", ioJson);
        json.put("placement", placementJson);
        return json;
    }

    private static List<Map<String, Object>> windowsJson(List<Placement.BridgeWindow> windows) {
        return windows.stream().map(window -> {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("bridge", window.bridge().id());
            w.put("start", Hex.of(window.start()));
            w.put("end", Hex.of(window.end()));
            w.put("size", window.size());
            return w;
        }).toList();
    }

    private static String ids(List<? extends PciNode> nodes) {
        return String.join(", ", nodes.stream().map(PciNode::id).toList());
    }
}
