package dev.virtlint.rules.firmware;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.firmware.Bar;
import dev.virtlint.firmware.DeclaredDevices;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.PciDevice;
import dev.virtlint.host.PciResource;
import dev.virtlint.host.RemoteCapture;

/**
 * The BARs of passed-through devices, memory and I/O, as the host's sysfs shows them (host-facts.md §7) or, without
 * it, the memory BARs the configuration declares: what OVMF will have to place once the guest sees the device.
 */
public final class PassthroughBars {
    private PassthroughBars() {
    }

    /** By host address ({@code 0000:41:00.0}); devices whose BARs are unknown are missing. */
    public static Map<String, List<Bar>> of(List<Hostdev> hostdevs, Optional<HostFacts> facts,
                                            DeclaredDevices declared) {
        Map<String, List<Bar>> bars = new HashMap<>();
        for (Hostdev hostdev : hostdevs) {
            if (hostdev.source().isEmpty() || absentFromHost(hostdev, facts)) {
                continue;
            }
            PciAddress source = hostdev.source().get();
            barsOf(source, facts).or(() -> declared.bars(source)).ifPresent(list -> bars.put(source.bdf(), list));
        }
        return bars;
    }

    /**
     * The host addresses of the passed-through devices that are VGA controllers, which OVMF never rejects: from the
     * host's sysfs class, else from the configuration's {@code devices:} ({@code vga: true}).
     */
    public static Set<String> vgaControllers(List<Hostdev> hostdevs, Optional<HostFacts> facts,
                                             DeclaredDevices declared) {
        Set<String> vga = new HashSet<>();
        for (Hostdev hostdev : hostdevs) {
            if (hostdev.source().isEmpty()) {
                continue;
            }
            PciAddress source = hostdev.source().get();
            Optional<PciDevice> device = facts.flatMap(f -> f.pciDevice(source));
            boolean known = device.flatMap(PciDevice::classCode).isPresent();
            if (known ? device.get().isVgaController() : declared.isVgaController(source)) {
                vga.add(source.bdf());
            }
        }
        return vga;
    }

    /**
     * Why the BARs of {@code hostdev} are unknown, or empty when they are known: from the host's sysfs, else from the
     * configuration's {@code devices:}.
     */
    public static Optional<String> whyUnknown(Hostdev hostdev, Optional<HostFacts> facts, DeclaredDevices declared) {
        if (hostdev.source().isEmpty()) {
            return Optional.of("the hostdev names no host address");
        }
        PciAddress source = hostdev.source().get();
        String bdf = source.bdf();
        if (absentFromHost(hostdev, facts)) {
            return Optional.of("the host has no PCI device " + bdf);
        }
        if (barsOf(source, facts).isPresent() || declared.bars(source).isPresent()) {
            return Optional.empty();
        }
        if (facts.isEmpty()) {
            return Optional.of("this run has no host facts (give --host-root, or declare the device's BARs under"
                    + " 'devices:' in .virt-lint.yaml)");
        }
        if (facts.get().pciDevices().isEmpty()) {
            return Optional.of("the host facts have no PCI devices");
        }
        Optional<RemoteCapture> remote = facts.get().remoteCapture();
        if (remote.isPresent()) {
            return Optional.of("the host was captured through libvirt (" + remote.get().connection() + "), which does"
                    + " not report BAR sizes: declare the device's BARs under 'devices:' in .virt-lint.yaml");
        }
        return Optional.of("the host's resource file for " + bdf + " could not be read");
    }

    /** Whether the host facts list the host's PCI devices and {@code hostdev}'s source is not among them. */
    public static boolean absentFromHost(Hostdev hostdev, Optional<HostFacts> facts) {
        return hostdev.source().isPresent() && facts.flatMap(HostFacts::pciDevices).isPresent()
                && facts.get().pciDevice(hostdev.source().get()).isEmpty();
    }

    private static Optional<List<Bar>> barsOf(PciAddress address, Optional<HostFacts> facts) {
        Optional<List<PciResource>> resources = facts.flatMap(f -> f.pciDevice(address)).flatMap(PciDevice::bars);
        if (resources.isEmpty()) {
            return Optional.empty();
        }
        List<Bar> bars = new ArrayList<>();
        for (PciResource resource : resources.get()) {
            long size = resource.size();
            if (size <= 0 || Long.bitCount(size) != 1) {
                continue;
            }
            if (resource.isMemory()) {
                bars.add(new Bar(resource.index(), size, resource.is64Bit(), resource.prefetchable()));
            } else if (resource.isIo()) {
                // A GeForce's BAR 5 (128 ports): it gives the guest's port an I/O window of OVMF's I/O space.
                bars.add(Bar.io(resource.index(), size));
            }
        }
        return Optional.of(List.copyOf(bars));
    }
}
