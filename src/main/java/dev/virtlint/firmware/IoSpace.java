package dev.virtlint.firmware;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What OVMF's PCI I/O space ({@link PciIoAperture}) must hold for one attempt of its resource allocation, whether it
 * fits, and what OVMF gives up when it does not. edk2 MdeModulePkg/Bus/Pci/PciBusDxe, the same in edk2-stable202211
 * and at c5aa7e7d94:
 * <ul>
 * <li>Each bus has one list of I/O entries: the I/O BARs of its devices, the I/O window of each bridge on it, and the
 * bridge's own hot-plug padding. Entries go in as the bus is scanned (slot, function, BAR index) and each is inserted
 * before the entries already there unless their alignment is larger, or equal with a larger remainder of the length
 * below the alignment (PciResourceSupport.c InsertResourceNode); they are packed from offset 0 in list order, each
 * aligned to its size (CalculateApertureIo16). Of equal entries the last scanned comes first.</li>
 * <li>A bridge's window is its packed entries rounded up to 4 KiB, at least its padding (padding is a minimum, and is
 * not rounded), aligned to 4 KiB: OvmfPkg leaves PcdPciBridgeIoAlignmentProbe FALSE. A bridge whose bus needs no I/O
 * has no window. The bridge registers decode whole 4 KiB, so a 512-byte padding programs a 4 KiB window; the root
 * bus's devices may sit in its tail (booted: ICH9's SMBus at 0xf200 inside a port's window 0xf000–0xffff).</li>
 * <li>Up to 2023.05 PciHotPlugInitDxe asks 512 bytes of I/O padding for every hot-pluggable bridge (DefaultIo TRUE);
 * edk2 27727338b2 "OvmfPkg/PciHotPlugInitDxe: Do not reserve IO ports by default" turned it off for 2023.08. From
 * then on a bridge gets I/O only for the devices behind it.</li>
 * <li>The root bus's entries are rounded up to 4 KiB and placed at the aperture's base (PciHostBridgeDxe's
 * AllocateResource, bottom up); they fit when they end by 0x10000.</li>
 * <li>When they do not, OVMF rejects the largest I/O consumer behind a bridge, of equal ones the last in a walk of the
 * lists (each bridge's entries before its own padding): a device, with every BAR it has, or a hot-pluggable bridge's
 * padding, which drops its 64-bit and 32-bit padding with it (PciEnumerator.c GetMaxResourceConsumerDevice,
 * GetLargerConsumerDevice, RejectPciDevice). Devices on the root bus and VGA controllers are never rejected
 * (IsRejectiveDevice). Since each bus lists the last scanned bridge first, the lowest-numbered port loses its
 * padding first: booted on OVMF 2022.11 with 11, 14 and 15 hot-pluggable root ports (rp0 to rp4 go, in that order of
 * preference), and with ports holding devices that need I/O themselves, whose padding goes first without freeing
 * anything.</li>
 * </ul>
 */
final class IoSpace {
    /** A bridge's I/O window is 4 KiB-granular (PCI-to-PCI bridge architecture); so is the root bus's request. */
    static final long BRIDGE_GRANULARITY = 0x1000;
    /** PciHotPlugInitDxe's I/O padding up to 2023.05: HighBitSetRoundUp64 (512) in edk2-stable202211. */
    static final long HOTPLUG_PADDING = 0x200;

    /** An entry of a bus's I/O list: an I/O BAR ({@code bar}), a bridge's window ({@code inner}), or its padding. */
    private record Entry(long length, long alignment, PciNode owner, Bar bar, Bus inner) {
        boolean isBridge() {
            return inner != null;
        }

        boolean isPadding() {
            return inner == null && bar == null;
        }

        /** The part of the length below the alignment, which edk2's list insertion compares. */
        long rest() {
            return length & (alignment - 1);
        }
    }

    /** One bus's entries in list order, each one's offset ({@code -1} for the padding), its length and alignment. */
    private record Bus(List<Entry> entries, List<Long> offsets, long length, long alignment) {
    }

    private final PciIoAperture aperture;
    private final Bus root;

    private IoSpace(PciIoAperture aperture, Bus root) {
        this.aperture = aperture;
        this.root = root;
    }

    /**
     * The I/O space of one allocation attempt.
     *
     * @param padsHotplugBridges the release asks I/O padding for hot-pluggable bridges (before 2023.08)
     * @param rejected           the ids of the devices rejected so far and of the bridges whose padding was dropped
     */
    static IoSpace of(List<PciNode> rootBus, PciIoAperture aperture, boolean padsHotplugBridges, Set<String> rejected) {
        return new IoSpace(aperture, bus(rootBus, null, padsHotplugBridges, rejected));
    }

    /** What the root bus asks of the aperture. */
    long required() {
        return root.length();
    }

    private long base() {
        return Pow2.alignUp(aperture.base(), root.alignment());
    }

    boolean fits() {
        return root.length() == 0 || base() + root.length() <= aperture.end();
    }

    /** The device or hot-pluggable bridge OVMF rejects when the I/O space is full; empty when it may reject none. */
    Optional<PciNode> largestRejectable() {
        Entry[] best = new Entry[1];
        largest(root, 0, best);
        return Optional.ofNullable(best[0]).map(Entry::owner);
    }

    private static void largest(Bus bus, int depth, Entry[] best) {
        for (Entry entry : bus.entries()) {
            if (entry.isBridge()) {
                largest(entry.inner(), depth + 1, best);
                continue;
            }
            boolean rejectable = entry.isPadding()
                    || depth > 0 && !((PciNode.Endpoint) entry.owner()).vgaClass();
            if (rejectable && (best[0] == null || entry.length() >= best[0].length())) {
                best[0] = entry;
            }
        }
    }

    /** The bridges' I/O windows, in address order; only meaningful when the space {@link #fits()}. */
    List<Placement.BridgeWindow> windows() {
        List<Placement.BridgeWindow> windows = new ArrayList<>();
        assign(root, base(), windows);
        windows.sort(Comparator.comparingLong(Placement.BridgeWindow::start));
        return windows;
    }

    private static void assign(Bus bus, long start, List<Placement.BridgeWindow> windows) {
        for (int i = 0; i < bus.entries().size(); i++) {
            Entry entry = bus.entries().get(i);
            if (entry.isBridge()) {
                long at = start + bus.offsets().get(i);
                windows.add(new Placement.BridgeWindow((PciNode.Bridge) entry.owner(), at,
                        Pow2.alignUp(entry.length(), BRIDGE_GRANULARITY)));
                assign(entry.inner(), at, windows);
            }
        }
    }

    /** The entries of the bus behind {@code owner} (the root bus when null), in edk2's list order, packed. */
    private static Bus bus(List<PciNode> nodes, PciNode.Bridge owner, boolean pads, Set<String> rejected) {
        List<Entry> entries = new ArrayList<>();
        List<PciNode> scanOrder = nodes.stream().sorted(Comparator.comparingInt(PciNode::devfn)).toList();
        for (PciNode node : scanOrder) {
            if (node instanceof PciNode.Endpoint endpoint) {
                if (rejected.contains(endpoint.id())) {
                    continue;
                }
                endpoint.bars().stream().filter(Bar::io).sorted(Comparator.comparingInt(Bar::index))
                        .forEach(bar -> insert(entries, new Entry(bar.size(), bar.size(), endpoint, bar, null)));
            } else if (node instanceof PciNode.Bridge bridge) {
                Bus inner = bus(bridge.children(), bridge, pads, rejected);
                if (inner.length() > 0) {
                    insert(entries, new Entry(inner.length(), inner.alignment(), bridge, null, inner));
                }
            }
        }
        // ResourcePaddingPolicy runs after the bus's own devices are in the list.
        boolean padded = owner != null && pads && owner.hotplug() && !rejected.contains(owner.id());
        if (padded) {
            insert(entries, new Entry(HOTPLUG_PADDING, HOTPLUG_PADDING, owner, null, null));
        }
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (Entry entry : entries) {
            if (entry.isPadding()) {
                offsets.add(-1L);
                continue;
            }
            offset = Pow2.alignUp(offset, entry.alignment());
            offsets.add(offset);
            offset += entry.length();
        }
        long length = Math.max(Pow2.alignUp(offset, BRIDGE_GRANULARITY), padded ? HOTPLUG_PADDING : 0);
        long alignment = Math.max(BRIDGE_GRANULARITY, entries.isEmpty() ? 0 : entries.get(0).alignment());
        return new Bus(List.copyOf(entries), List.copyOf(offsets), length, alignment);
    }

    /** edk2's InsertResourceNode: at the head, then past every entry it must follow. */
    private static void insert(List<Entry> entries, Entry entry) {
        int at = 0;
        while (at < entries.size()) {
            Entry there = entries.get(at);
            if (entry.alignment() > there.alignment()) {
                break;
            }
            if (entry.alignment() == there.alignment() && (entry.rest() == 0 || entry.rest() >= there.rest())) {
                break;
            }
            at++;
        }
        entries.add(at, entry);
    }
}
