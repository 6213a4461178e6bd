package dev.virtlint.rules.gpu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.LintContext;

/**
 * Which assigned PCI devices are GPUs. Host facts decide when they describe the device (PCI base class 0x03);
 * without them the domain has to give it away, for function 0 of a device off the host's bus 0: a
 * {@code <rom file>} (a VBIOS image, which only GPUs are given), or function 1 of the same host device
 * assigned too (a GPU and its HDMI audio). Users copy {@code <rom file>} onto the audio function as well, so
 * it counts only on function 0.
 */
public final class Gpus {
    public static final int NVIDIA = 0x10de;

    /** @param evidence how virt-lint knows it is a GPU, for messages */
    public record Gpu(Hostdev hostdev, PciAddress source, Optional<PciDevice> hostDevice, String evidence) {
        public boolean recognisedByHostFacts() {
            return hostDevice.flatMap(PciDevice::classCode).isPresent();
        }
    }

    private Gpus() {
    }

    public static List<Gpu> assigned(LintContext context) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        Set<List<Integer>> slotsWithFunctionOne = slotsWithFunctionOne(hostdevs);
        List<Gpu> gpus = new ArrayList<>();
        for (Hostdev hostdev : hostdevs) {
            asGpu(context, hostdev, slotsWithFunctionOne).ifPresent(gpus::add);
        }
        return gpus;
    }

    public static Optional<Gpu> asGpu(LintContext context, Hostdev hostdev) {
        return asGpu(context, hostdev, slotsWithFunctionOne(context.domain().pciHostdevs()));
    }

    /**
     * The host slots whose function 1 is assigned, as (domain, bus, slot): looked up once per domain, because
     * asking every hostdev about every other made a domain with thousands of them take seconds.
     */
    private static Set<List<Integer>> slotsWithFunctionOne(List<Hostdev> hostdevs) {
        Set<List<Integer>> slots = new HashSet<>();
        for (Hostdev hostdev : hostdevs) {
            hostdev.source().filter(source -> source.function() == 1).ifPresent(source -> slots.add(slotKey(source)));
        }
        return slots;
    }

    private static List<Integer> slotKey(PciAddress address) {
        return List.of(address.domain(), address.bus(), address.slot());
    }

    private static Optional<Gpu> asGpu(LintContext context, Hostdev hostdev, Set<List<Integer>> slotsWithFunctionOne) {
        if (hostdev.source().isEmpty()) {
            return Optional.empty();
        }
        PciAddress source = hostdev.source().get();
        Optional<PciDevice> device = hostDevice(context, source);
        Optional<Integer> classCode = device.flatMap(PciDevice::classCode);
        if (classCode.isPresent()) {
            return device.get().isDisplayController()
                    ? Optional.of(new Gpu(hostdev, source, device, "the host shows " + source.bdf() + " as "
                            + describeClass(classCode.get())))
                    : Optional.empty();
        }
        // A GPU is function 0 of its device, and a discrete one never sits on the host's bus 0 (the chipset's).
        if (source.function() != 0 || source.bus() == 0) {
            return Optional.empty();
        }
        Optional<String> romFile = hostdev.rom().flatMap(rom -> rom.file());
        if (romFile.isPresent()) {
            return Optional.of(new Gpu(hostdev, source, device, "it is given a VBIOS image (<rom file='"
                    + romFile.get() + "'/>)"));
        }
        if (slotsWithFunctionOne.contains(slotKey(source))) {
            return Optional.of(new Gpu(hostdev, source, device, "functions 0 and 1 of host device " + slotOf(source)
                    + " are assigned together, as a GPU and its HDMI audio are"));
        }
        return Optional.empty();
    }

    public static Optional<PciDevice> hostDevice(LintContext context, PciAddress address) {
        return context.hostFacts().flatMap(facts -> facts.pciDevice(address));
    }

    /** Whether the run's host facts list PCI devices at all (a host root or a live host). */
    public static boolean hostListsPciDevices(LintContext context) {
        return context.hostFacts().flatMap(HostFacts::pciDevices).isPresent();
    }

    /** The stem for a new user alias: {@code ua-gpu0} for a GPU, {@code ua-hostdev0} for anything else. */
    public static String aliasStem(LintContext context, Hostdev hostdev) {
        return asGpu(context, hostdev).isPresent() ? "gpu" : "hostdev";
    }

    /** {@code 0000:01:00}: the host slot, without the function. */
    public static String slotOf(PciAddress address) {
        return String.format(Locale.ROOT, "%04x:%02x:%02x", address.domain(), address.bus(), address.slot());
    }

    public static String describeClass(int classCode) {
        String name = switch (classCode >> 8) {
            case 0x0300 -> "a VGA controller";
            case 0x0301 -> "an XGA controller";
            case 0x0302 -> "a 3D controller";
            case 0x0380 -> "a display controller";
            case 0x0403 -> "an HD Audio controller";
            case 0x0c03 -> "a USB controller";
            case 0x0c80 -> "a serial bus controller";
            case 0x0604 -> "a PCI bridge";
            default -> "a device";
        };
        return String.format(Locale.ROOT, "%s (class 0x%06x)", name, classCode);
    }
}
