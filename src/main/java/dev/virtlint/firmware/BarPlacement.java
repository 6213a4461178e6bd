package dev.virtlint.firmware;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How OVMF's PCI bus driver fits 64-bit BARs into its window, as observed on OVMF 2022.11 (ovmf-and-libvirt.md A4,
 * A5 and the oracle test):
 * <ul>
 * <li>Every bus is one pool. Its entries are sorted by alignment, largest first, and packed from offset 0, each at the
 * next offset aligned to it. A BAR's alignment is its size. Entries of equal alignment keep the scan order on the
 * root bus and the reverse of it behind a bridge.</li>
 * <li>A bridge is one entry of its parent's pool: its own pool's length rounded up to 1 MiB, aligned to its largest
 * child (at least 1 MiB). A hot-pluggable port's length is at least its padding, and its alignment at least that
 * padding: padding is a minimum, not an addition.</li>
 * <li>On the root bus, 64-bit BARs of either kind share the window. Behind a bridge only prefetchable ones do: the
 * others go to the bridge's 32-bit window, except in OVMF 2026.02, which puts them in the bridge's prefetchable
 * window too.</li>
 * <li>The root pool goes at the window's base, aligned to its largest entry. If it does not fit, OVMF rejects the
 * owner of the largest resource behind a bridge (of equal ones, the last in pool order) and tries again: a device,
 * with all its BARs, for a BAR; for a hot-pluggable bridge's padding, the padding alone, so the bridge keeps what is
 * behind it (edk2 PciBusDxe's RejectPciDevice frees a bridge's padding and nothing else). Devices on the root bus and
 * VGA controllers are never candidates (its IsRejectiveDevice); if only they remain, allocation fails and OVMF gives no
 * PCI device any resources and stops before its boot manager. It stops the same way when a rejection leaves no 64-bit
 * resource at all (a lone device larger than the window, for example).</li>
 * <li>Each attempt also fits the I/O space ({@link IoSpace}). Where an attempt fails, OVMF rejects one thing for each
 * kind of resource that did not fit, the I/O one first, and skips the 64-bit one when it is what the I/O one just
 * rejected (edk2 PciLib.c PciHostBridgeResourceAllocator and PciEnumerator.c PciHostBridgeAdjustAllocation: one
 * rejection per resource type, each chosen from that attempt's tree). Booted on OVMF 2022.11: 127 GiB on pcie.0 and
 * fourteen hot-pluggable ports, one with a 32 GiB device: the first attempt rejects that device for the 64-bit window
 * and rp0's padding for the I/O space, although the four paddings the I/O space drops would have made room for it.
 * Padding dropped for the I/O space does not count against {@link Placement#allPlaced()}: no window brings it
 * back.</li>
 * </ul>
 */
public final class BarPlacement {
    private static final long BRIDGE_GRANULARITY = Pow2.MIB;

    private BarPlacement() {
    }

    private record Pool(List<Item> items, List<Long> offsets, long length, long alignment) {
    }

    /** A BAR ({@code bar} set) or a bridge ({@code inner} set, with its hot-plug padding) in a pool. */
    private record Item(long length, long alignment, int devfn, int barIndex, PciNode.Endpoint endpoint, Bar bar,
                        PciNode.Bridge bridge, Pool inner, long padding) {
        boolean isBar() {
            return bar != null;
        }
    }

    /** What the rejection weighs: a BAR, owned by its device, or a padding, owned by its bridge. */
    private record Candidate(long length, PciNode owner) {
    }

    /** A q35 guest's placement. */
    public static Placement place(Aperture aperture, OvmfRelease release, List<PciNode> rootBus) {
        return place(aperture, PciIoAperture.Q35, release, rootBus);
    }

    public static Placement place(Aperture aperture, PciIoAperture ioAperture, OvmfRelease release,
                                  List<PciNode> rootBus) {
        long padding = OvmfModel.hotplugPadding(release, aperture.size());
        boolean ioPadding = release.padsHotplugPortsInIoSpace();
        List<PciNode> rejected = new ArrayList<>();
        List<PciNode> rejectedForIo = new ArrayList<>();
        Set<String> rejectedIds = new HashSet<>();
        boolean anyKindBehindBridges = release.placesNonPrefetchable64BitBarsInBridgePrefetchableWindows();
        Pool first = pool(rootBus, true, anyKindBehindBridges, rejectedIds, padding);
        IoSpace firstIo = IoSpace.of(rootBus, ioAperture, ioPadding, rejectedIds);
        long required = Pow2.alignUp(aperture.base(), first.alignment()) - aperture.base() + first.length();
        Attempt attempt = new Attempt(rootBus, rejected, rejectedForIo, required, aperture, ioAperture,
                firstIo.required());
        if (aperture.beyondFirmwareAddressWidth()) {
            return attempt.failed(false);
        }
        Pool root = first;
        IoSpace io = firstIo;
        while (!fits(root, aperture) || !io.fits()) {
            Optional<PciNode> forIo = io.fits() ? Optional.empty() : io.largestRejectable();
            Optional<PciNode> for64 = fits(root, aperture) ? Optional.empty()
                    : largestBehindBridge(root, 0).map(Candidate::owner)
                            .filter(owner -> forIo.map(ioOwner -> !ioOwner.id().equals(owner.id())).orElse(true));
            if (forIo.isEmpty() && for64.isEmpty()) {
                return attempt.failed(!io.fits());
            }
            forIo.ifPresent(owner -> {
                rejected.add(owner);
                rejectedForIo.add(owner);
                rejectedIds.add(owner.id());
            });
            for64.ifPresent(owner -> {
                rejected.add(owner);
                rejectedIds.add(owner.id());
            });
            boolean had64BitResources = !root.items().isEmpty();
            root = pool(rootBus, true, anyKindBehindBridges, rejectedIds, padding);
            io = IoSpace.of(rootBus, ioAperture, ioPadding, rejectedIds);
            if (had64BitResources && root.items().isEmpty()) {
                return attempt.failed(false);
            }
        }
        List<Placement.PlacedBar> bars = new ArrayList<>();
        List<Placement.BridgeWindow> windows = new ArrayList<>();
        assign(root, Pow2.alignUp(aperture.base(), root.alignment()), bars, windows);
        bars.sort(Comparator.comparing(Placement.PlacedBar::start, Long::compareUnsigned));
        windows.sort(Comparator.comparing(Placement.BridgeWindow::start, Long::compareUnsigned));
        List<PciNode.Endpoint> unassigned = new ArrayList<>();
        collectUnassigned(rootBus, rejectedIds, false, unassigned);
        boolean onlyIoPadding = rejected.stream().allMatch(node -> node instanceof PciNode.Bridge
                && rejectedForIo.contains(node));
        return new Placement(onlyIoPadding ? Placement.Outcome.ALL_PLACED : Placement.Outcome.DEVICES_REJECTED,
                bars, windows, rejected, unassigned, required, aperture,
                new Placement.Io(ioAperture, firstIo.required(), io.windows(), rejectedForIo, false));
    }

    /** What a failed enumeration reports: the rejections so far and what the first attempt needed. */
    private record Attempt(List<PciNode> rootBus, List<PciNode> rejected, List<PciNode> rejectedForIo, long required,
                           Aperture aperture, PciIoAperture ioAperture, long ioRequired) {
        Placement failed(boolean ioExhausted) {
            List<PciNode.Endpoint> everything = new ArrayList<>();
            collectUnassigned(rootBus, Set.of(), true, everything);
            return new Placement(Placement.Outcome.ENUMERATION_FAILED, List.of(), List.of(), rejected, everything,
                    required, aperture, new Placement.Io(ioAperture, ioRequired, List.of(), rejectedForIo,
                            ioExhausted));
        }
    }

    /** Every endpoint below {@code nodes} that is rejected, or all of them when {@code all}. */
    private static void collectUnassigned(List<PciNode> nodes, Set<String> rejected, boolean all,
                                          List<PciNode.Endpoint> found) {
        for (PciNode node : nodes) {
            if (node instanceof PciNode.Endpoint endpoint && (all || rejected.contains(endpoint.id()))) {
                found.add(endpoint);
            } else if (node instanceof PciNode.Bridge bridge) {
                collectUnassigned(bridge.children(), rejected, all, found);
            }
        }
    }

    private static boolean fits(Pool root, Aperture aperture) {
        if (root.length() == 0) {
            return true;
        }
        long start = Pow2.alignUp(aperture.base(), root.alignment());
        long available = aperture.end() - start;
        return Long.compareUnsigned(start, aperture.base()) >= 0 && !Pow2.above(start, aperture.end())
                && Long.compareUnsigned(root.length(), available) <= 0;
    }

    /**
     * @param anyKindBehindBridges non-prefetchable 64-bit BARs behind a bridge take part too (they always do on the
     *                             root bus)
     */
    private static Pool pool(List<PciNode> nodes, boolean rootBus, boolean anyKindBehindBridges, Set<String> rejected,
                             long padding) {
        List<Item> items = new ArrayList<>();
        for (PciNode node : nodes) {
            if (node instanceof PciNode.Endpoint endpoint) {
                if (rejected.contains(endpoint.id())) {
                    continue;
                }
                for (Bar bar : endpoint.bars()) {
                    if (bar.is64Bit() && (rootBus || anyKindBehindBridges || bar.prefetchable())) {
                        items.add(new Item(bar.size(), bar.size(), endpoint.devfn(), bar.index(), endpoint, bar, null,
                                null, 0));
                    }
                }
            } else if (node instanceof PciNode.Bridge bridge) {
                Pool inner = pool(bridge.children(), false, anyKindBehindBridges, rejected, padding);
                long bridgePadding = bridge.hotplug() && !rejected.contains(bridge.id())
                        ? bridge.pref64Reserve().orElse(padding) : 0;
                if (inner.length() == 0 && bridgePadding == 0) {
                    continue;
                }
                long length = Math.max(Pow2.alignUp(inner.length(), BRIDGE_GRANULARITY), bridgePadding);
                long alignment = Math.max(Math.max(inner.alignment(), BRIDGE_GRANULARITY),
                        bridgePadding == 0 ? 0 : Pow2.ceil(bridgePadding));
                items.add(new Item(length, alignment, bridge.devfn(), 0, null, null, bridge, inner, bridgePadding));
            }
        }
        Comparator<Item> scanOrder = Comparator.comparingInt(Item::devfn).thenComparingInt(Item::barIndex);
        items.sort(Comparator.comparingLong(Item::alignment).reversed()
                .thenComparing(rootBus ? scanOrder : scanOrder.reversed()));
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (Item item : items) {
            offset = Pow2.alignUp(offset, item.alignment());
            offsets.add(offset);
            offset += item.length();
        }
        return new Pool(List.copyOf(items), List.copyOf(offsets), offset,
                items.isEmpty() ? 1 : items.get(0).alignment());
    }

    /**
     * What OVMF's rejection picks: the largest BAR of a device it may reject, or padding, behind a bridge, the last of
     * equals in pool order (a bridge's padding after its children).
     */
    private static Optional<Candidate> largestBehindBridge(Pool pool, int depth) {
        Candidate best = null;
        for (Item item : pool.items()) {
            List<Candidate> candidates = new ArrayList<>();
            if (item.isBar()) {
                if (depth > 0 && !item.endpoint().vgaClass()) {
                    candidates.add(new Candidate(item.length(), item.endpoint()));
                }
            } else {
                largestBehindBridge(item.inner(), depth + 1).ifPresent(candidates::add);
                if (item.padding() > 0) {
                    candidates.add(new Candidate(item.padding(), item.bridge()));
                }
            }
            for (Candidate candidate : candidates) {
                if (best == null || candidate.length() >= best.length()) {
                    best = candidate;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static void assign(Pool pool, long start, List<Placement.PlacedBar> bars,
                               List<Placement.BridgeWindow> windows) {
        for (int i = 0; i < pool.items().size(); i++) {
            Item item = pool.items().get(i);
            long at = start + pool.offsets().get(i);
            if (item.isBar()) {
                bars.add(new Placement.PlacedBar(item.endpoint(), item.bar(), at));
            } else {
                windows.add(new Placement.BridgeWindow(item.bridge(), at, item.length()));
                assign(item.inner(), at, bars, windows);
            }
        }
    }
}
