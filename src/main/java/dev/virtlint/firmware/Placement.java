package dev.virtlint.firmware;

import java.util.List;
import java.util.Objects;

/**
 * Where OVMF puts the 64-bit BARs of one guest, which devices it leaves without resources, and what its PCI I/O space
 * holds.
 *
 * @param outcome        whether every device got its BARs
 * @param bars           the placed 64-bit BARs, in address order
 * @param bridgeWindows  the 64-bit prefetchable windows OVMF programs into bridges, in address order
 * @param rejected       what OVMF rejected, in order: devices, and hot-pluggable bridges whose padding it dropped
 * @param unassigned     every endpoint left without resources (32-bit BARs included): the rejected ones, those
 *                       behind a rejected bridge, or all of them when the enumeration failed
 * @param requiredBytes  the window the first attempt needed (every device, aligned), from the window's base
 * @param aperture       the window the BARs were placed in
 * @param io             the I/O space: what it needed, the bridges' I/O windows, and what it forced out
 */
public record Placement(Outcome outcome, List<PlacedBar> bars, List<BridgeWindow> bridgeWindows,
                        List<PciNode> rejected, List<PciNode.Endpoint> unassigned, long requiredBytes,
                        Aperture aperture, Io io) {

    public enum Outcome {
        /**
         * Every device got its BARs and every hot-pluggable bridge its 64-bit padding, but for padding OVMF dropped
         * because its I/O space ran out (see {@link Io#rejected()}), which no window size brings back.
         */
        ALL_PLACED,
        /** Some devices behind bridges were rejected, or bridges lost their padding to the 64-bit window. */
        DEVICES_REJECTED,
        /**
         * Nothing was placed and OVMF stops before its boot manager: the window is out of its reach, or the devices
         * that do not fit sit on the root bus, where OVMF has nothing it may reject, or rejecting left no 64-bit
         * resource at all, or the I/O space is full with nothing left that OVMF may reject ({@link Io#exhausted()}).
         */
        ENUMERATION_FAILED
    }

    public Placement {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(aperture, "aperture");
        Objects.requireNonNull(io, "io");
        bars = List.copyOf(bars);
        bridgeWindows = List.copyOf(bridgeWindows);
        rejected = List.copyOf(rejected);
        unassigned = List.copyOf(unassigned);
    }

    /** A BAR and the address OVMF assigns it; {@code end} is inclusive. */
    public record PlacedBar(PciNode.Endpoint endpoint, Bar bar, long start) {
        public long end() {
            return start + bar.size() - 1;
        }
    }

    /**
     * A window OVMF programs into a bridge: its 64-bit prefetchable one in {@link #bridgeWindows}, its I/O one (4 KiB
     * granular) in {@link Io#windows}; {@code end} is inclusive.
     */
    public record BridgeWindow(PciNode.Bridge bridge, long start, long size) {
        public long end() {
            return start + size - 1;
        }
    }

    /**
     * The PCI I/O space as OVMF left it.
     *
     * @param aperture      the ports OVMF hands out
     * @param requiredBytes what the first attempt needed from the aperture's base: every I/O BAR and hot-plug I/O
     *                      padding, in 4 KiB bridge windows
     * @param windows       the I/O windows OVMF programs into bridges, in address order
     * @param rejected      what OVMF rejected because the I/O space was full, in order: hot-pluggable bridges, which
     *                      lose all their padding (the 64-bit one too), and devices, which lose every BAR; also in
     *                      the placement's {@code rejected}
     * @param exhausted     the I/O space still did not fit when OVMF gave up
     */
    public record Io(PciIoAperture aperture, long requiredBytes, List<BridgeWindow> windows, List<PciNode> rejected,
                     boolean exhausted) {
        public Io {
            Objects.requireNonNull(aperture, "aperture");
            windows = List.copyOf(windows);
            rejected = List.copyOf(rejected);
        }

        /** The hot-pluggable bridges that lost their padding because the I/O space was full. */
        public List<PciNode.Bridge> paddingDropped() {
            return rejected.stream().filter(PciNode.Bridge.class::isInstance).map(PciNode.Bridge.class::cast).toList();
        }
    }

    public boolean allPlaced() {
        return outcome == Outcome.ALL_PLACED;
    }

    /**
     * The 64-bit window held everything: OVMF rejected nothing for it, only (if anything) for its I/O space, which no
     * window size changes. What a larger window is sized for.
     */
    public boolean windowHoldsEverything() {
        return outcome != Outcome.ENUMERATION_FAILED && rejected.stream().allMatch(this::rejectedForIo);
    }

    /** The endpoint got no resources. */
    public boolean isUnassigned(PciNode.Endpoint endpoint) {
        return unassigned.stream().anyMatch(lost -> lost.id().equals(endpoint.id()));
    }

    /** OVMF rejected the device, or dropped the bridge's padding, because its I/O space was full. */
    public boolean rejectedForIo(PciNode node) {
        return io.rejected().stream().anyMatch(rejectedNode -> rejectedNode.id().equals(node.id()));
    }

    public List<PlacedBar> barsOf(PciNode.Endpoint endpoint) {
        return bars.stream().filter(bar -> bar.endpoint().id().equals(endpoint.id())).toList();
    }
}
