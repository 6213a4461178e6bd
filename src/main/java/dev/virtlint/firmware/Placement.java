package dev.virtlint.firmware;

import java.util.List;
import java.util.Objects;

/**
 * Where OVMF puts the 64-bit BARs of one guest, and which devices it leaves without resources.
 *
 * @param outcome        whether every device got its BARs
 * @param bars           the placed 64-bit BARs, in address order
 * @param bridgeWindows  the 64-bit prefetchable windows OVMF programs into bridges, in address order
 * @param rejected       what OVMF rejected, in order: devices, and hot-pluggable bridges whose padding it dropped
 * @param unassigned     every endpoint left without resources (32-bit BARs included): the rejected ones, those
 *                       behind a rejected bridge, or all of them when the enumeration failed
 * @param requiredBytes  the window the first attempt needed (every device, aligned), from the window's base
 * @param aperture       the window the BARs were placed in
 */
public record Placement(Outcome outcome, List<PlacedBar> bars, List<BridgeWindow> bridgeWindows,
                        List<PciNode> rejected, List<PciNode.Endpoint> unassigned, long requiredBytes,
                        Aperture aperture) {

    public enum Outcome {
        ALL_PLACED,
        /** Some devices behind bridges were rejected; the rest were placed. */
        DEVICES_REJECTED,
        /**
         * Nothing was placed and OVMF stops before its boot manager: the window is out of its reach, or the devices
         * that do not fit sit on the root bus, where OVMF has nothing it may reject, or rejecting left no 64-bit
         * resource at all.
         */
        ENUMERATION_FAILED
    }

    public Placement {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(aperture, "aperture");
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

    /** A bridge's 64-bit prefetchable window; {@code end} is inclusive. */
    public record BridgeWindow(PciNode.Bridge bridge, long start, long size) {
        public long end() {
            return start + size - 1;
        }
    }

    public boolean allPlaced() {
        return outcome == Outcome.ALL_PLACED;
    }

    /** The endpoint got no resources. */
    public boolean isUnassigned(PciNode.Endpoint endpoint) {
        return unassigned.stream().anyMatch(lost -> lost.id().equals(endpoint.id()));
    }

    public List<PlacedBar> barsOf(PciNode.Endpoint endpoint) {
        return bars.stream().filter(bar -> bar.endpoint().id().equals(endpoint.id())).toList();
    }
}
