package dev.virtlint.firmware;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One boot of the real OVMF: a q35 guest with stand-ins for passthrough GPUs on the root bus, behind
 * {@code pcie-root-port}s or behind a PCIe switch, optionally with the devices libvirt adds to every q35 domain. The
 * same description yields the QEMU command line and the model's inputs, with the same ids.
 *
 * <p>Two kinds of stand-in:
 * <ul>
 * <li>{@link Shmem}: one {@code ivshmem-plain} function, a 64-bit prefetchable BAR 2 of its memdev's size (a sparse
 * file) and a 256-byte 32-bit BAR 0.</li>
 * <li>{@link Gpu}: one multifunction slot that gives every bridge above it the 64-bit BARs of a real NVIDIA board
 * ({@link GpuBars}) and its class. No QEMU device has a GPU's BAR set, so the BARs are spread over functions:
 * <ul>
 * <li>function 0 carries the large BAR (NVIDIA's BAR 1) and a 512 KiB expansion ROM, the size of NVIDIA's;</li>
 * <li>function 1 is the audio function, {@code ich9-intel-hda} (one 16 KiB 32-bit BAR, like NVIDIA's HDA
 * controller), when the board has one;</li>
 * <li>function 2 carries the 32 MiB BAR (NVIDIA's BAR 3);</li>
 * <li>function 3, for the SXM Hopper boards only, their 16 MiB 64-bit BAR 0.</li>
 * </ul>
 * A VGA controller (GeForce) has {@code virtio-vga} functions, class 0x0300 like the board's, whose {@code hostmem}
 * is a 64-bit prefetchable BAR 4 of any size that no memory backs; each also has an 8 MiB 32-bit prefetchable
 * framebuffer BAR 0, a 4 KiB MSI-X BAR 1 and a 16 KiB 64-bit prefetchable BAR 2 for its virtio registers
 * (hw/display/virtio-vga.c, hw/virtio/virtio-pci.c). A 3D controller (A100, H100) has {@code pci-testdev}
 * functions, class 0xff00, which OVMF may reject as it may a 3D controller; each has a 4 KiB 32-bit BAR 0, 256 bytes
 * of I/O at BAR 1 and its {@code membar} as a 64-bit prefetchable BAR 2 that no memory backs (hw/misc/pci-testdev.c).
 *
 * <p>How the stand-in differs from a real board: its BARs sit on two or three functions instead of one, under other
 * indices, so OVMF can reject the 32 MiB function of a 3D controller without its large one (the model is given the
 * same functions, so it predicts the same); a VGA stand-in's two 16 KiB virtio BARs make the bridge window above it
 * 1 MiB larger than a real board's (the large BAR + 33 MiB, not + 32 MiB, after rounding to 1 MiB); its 32-bit
 * memory is two 8 MiB framebuffers instead of one 16 MiB BAR 0, and the 3D controller's lacks the 16 MiB BAR 0
 * (4 KiB BARs instead) but has 512 bytes of I/O; the ROM holds no image; and OVMF binds its virtio-gpu driver to the
 * VGA functions. The 32-bit and I/O windows are not compared by address, only whether each BAR got one. Of equal
 * 64-bit BARs OVMF orders those on one bus by slot, function and index; a board's own 64-bit BARs differ in size, so
 * among GPUs the order is the same as for real boards.</li>
 * </ul>
 *
 * @param name      what the case shows
 * @param cpu       the vCPU as OVMF sees it; the command line sets exactly these properties
 * @param cpuModel  the QEMU model whose vendor the case uses (its pdpe1gb is overridden by {@code cpu})
 * @param ramGib    initial RAM
 * @param maxMemGib {@code maxmem}, 0 for none (then no slots)
 * @param knob      the X-PciMmio64Mb string, if any
 * @param rootBus   what sits on the root bus: devices in slot order from 0x10, root ports from 0x18
 * @param quick     part of the subset {@code mvn test} boots
 */
record OvmfOracleCase(String name, FirmwareCpu cpu, String cpuModel, int ramGib, int maxMemGib, Optional<String> knob,
                      List<Part> rootBus, boolean quick) {

    static final String MACHINE = "pc-q35-9.2";
    private static final int FIRST_DEVICE_SLOT = 0x10;
    private static final int FIRST_PORT_SLOT = 0x18;
    /** Where a {@link PortBank} starts: libvirt puts the root ports it adds, and virt-manager's, from slot 2. */
    private static final int FIRST_BANK_SLOT = 0x2;
    private static final int FUNCTIONS = 8;
    /** ICH9's LPC, SATA and SMBus functions: the q35 machine puts them in slot 0x1f whatever the command line. */
    private static final int ICH9_SLOT = 0x1f;
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final String ROM_FILE = "gpu-rom";
    private static final long ROM_SIZE = 512 * KIB;
    private static final long GPU_BAR0_SIZE = 16 * MIB;
    private static final long GPU_BAR3_SIZE = 32 * MIB;
    /** pci-testdev's 32-bit memory BAR 0 (IOTEST_MEMSIZE * 2). */
    private static final Bar TESTDEV_BAR0 = new Bar(0, 4 * KIB, false, false);
    /** pci-testdev's I/O BAR 1 (IOTEST_IOSIZE * 2), 256 ports: booted, OVMF gives its port a 4 KiB I/O window. */
    private static final Bar TESTDEV_BAR1 = Bar.io(1, 256);
    /**
     * The functions QEMU builds into every q35 machine that have I/O BARs, named as {@link InfoPci} names functions
     * without an id: ICH9's AHCI (BAR 4, 32 ports) and SMBus (BAR 4, 64 ports). They sit in the root bus's I/O list.
     */
    private static final List<PciNode> ICH9_FUNCTIONS = List.of(
            PciNode.Endpoint.emulated("00:1f.2", ICH9_SLOT, 2, List.of(Bar.io(4, 32))),
            PciNode.Endpoint.emulated("00:1f.3", ICH9_SLOT, 3, List.of(Bar.io(4, 64))));
    /**
     * The legacy I/O BAR 0 that a virtio device on pcie.0 has, where QEMU keeps it transitional, by driver (booted:
     * QEMU 10.0's sizes); behind a root port it is modern-only.
     */
    private static final Map<String, Long> VIRTIO_LEGACY_IO = Map.of("virtio-serial-pci", 64L,
            "virtio-balloon-pci", 64L, "virtio-rng-pci", 32L, "virtio-net-pci", 32L, "virtio-scsi-pci", 64L);
    private static final Bar IVSHMEM_BAR0 = new Bar(0, 256, false, false);
    private static final Bar HDA_BAR0 = new Bar(0, 16 * KIB, false, false);
    /** virtio-vga: its VGA framebuffer (8 MiB, 32-bit prefetchable), MSI-X table and virtio registers. */
    private static final Bar VIRTIO_VGA_BAR0 = new Bar(0, 8 * MIB, false, true);
    private static final Bar VIRTIO_VGA_BAR1 = new Bar(1, 4 * KIB, false, false);
    private static final Bar VIRTIO_VGA_BAR2 = Bar.prefetchable64(2, 16 * KIB);
    private static final Bar XHCI_BAR0 = new Bar(0, 16 * KIB, true, false);
    private static final Bar VIRTIO_BAR4 = Bar.prefetchable64(4, 16 * KIB);

    /** Something on a bus: a device, a GPU's slot, a port with what sits behind it. */
    sealed interface Part permits Shmem, Gpu, Port, PortBank, Switch, PciBridge, LibvirtDevice {
    }

    /** One ivshmem-plain function with a 64-bit prefetchable BAR of {@code size}. */
    record Shmem(long size) implements Part {
    }

    /** A GPU's slot, with its audio function when {@code audio}. */
    record Gpu(GpuBars bars, boolean audio) implements Part {
    }

    /**
     * The BARs of a GPU model.
     *
     * @param largeBar    the large 64-bit prefetchable BAR (NVIDIA's BAR 1; BAR 2 on the SXM Hopper boards)
     * @param bar0Is64Bit the 16 MiB BAR 0 is 64-bit prefetchable (H100 SXM, H20), not 32-bit non-prefetchable
     * @param vgaClass    a VGA controller (class 0x0300: GeForce, Quadro, Radeon, Arc), not a 3D controller
     *                    (0x0302: A100, H100, T4)
     */
    record GpuBars(long largeBar, boolean bar0Is64Bit, boolean vgaClass) {
    }

    /**
     * A pcie-root-port on the root bus.
     *
     * @param functions the devices at slot 0 behind it: several {@link Shmem} functions, or one GPU, switch, PCI
     *                  bridge or libvirt device, or none
     */
    record Port(boolean hotplug, OptionalLong pref64Reserve, List<Part> functions) implements Part {
    }

    /**
     * Root ports packed eight to a slot, functions 0 to 7 of slot 0x2, then of 0x3 and on, as libvirt lays out the
     * pcie-root-ports it adds and the 14 or 15 that virt-manager writes ({@code virsh domxml-to-native}). They take
     * the next port ids; {@link Port}s outside a bank keep their slots from 0x18.
     */
    record PortBank(List<Port> ports) implements Part {
    }

    /** A PCIe switch: an x3130-upstream port with one xio3130-downstream port per entry, in slot order. */
    record Switch(List<DownstreamPort> ports) implements Part {
    }

    /**
     * A pcie-pci-bridge, as libvirt adds for conventional PCI devices (a Looking Glass ivshmem), with these ivshmem
     * devices from slot 1. QEMU gives it a standard hot-plug controller, so OVMF pads it.
     */
    record PciBridge(List<Shmem> devices) implements Part {
    }

    /** A switch's downstream port and what sits behind it (nothing when {@code behind} is empty). */
    record DownstreamPort(boolean hotplug, Optional<Part> behind) {
    }

    /**
     * A device libvirt adds or a domain commonly has, behind a root port, where QEMU makes virtio devices modern-only:
     * {@code qemu-xhci} (a 16 KiB 64-bit non-prefetchable BAR 0) or a virtio device ({@code virtio-balloon-pci},
     * {@code virtio-rng-pci}, {@code virtio-serial-pci}: a 16 KiB 64-bit prefetchable BAR 4 for its registers). A
     * virtio NIC has the same BARs, but OVMF's network stack keeps a boot busy for a minute under TCG, so
     * {@code virtio-serial-pci} stands in for it.
     */
    record LibvirtDevice(String driver) implements Part {
    }

    static final LibvirtDevice USB = new LibvirtDevice("qemu-xhci");
    static final LibvirtDevice BALLOON = new LibvirtDevice("virtio-balloon-pci");

    /** An ivshmem-plain device on the root bus. */
    static Shmem root(long barSize) {
        return new Shmem(barSize);
    }

    /** A root port with ivshmem-plain functions behind it, one per size. */
    static Port port(boolean hotplug, long... barSizes) {
        List<Part> functions = new ArrayList<>();
        for (long size : barSizes) {
            functions.add(new Shmem(size));
        }
        return new Port(hotplug, OptionalLong.empty(), functions);
    }

    /** An empty hot-pluggable root port with QEMU's pref64-reserve hint. */
    static Port hintedPort(long pref64Reserve) {
        return new Port(true, OptionalLong.of(pref64Reserve), List.of());
    }

    /** A root port with one device, GPU or switch behind it. */
    static Port port(boolean hotplug, Part behind) {
        return new Port(hotplug, OptionalLong.empty(), List.of(behind));
    }

    static DownstreamPort downstream(boolean hotplug, Part behind) {
        return new DownstreamPort(hotplug, Optional.of(behind));
    }

    static DownstreamPort emptyDownstream(boolean hotplug) {
        return new DownstreamPort(hotplug, Optional.empty());
    }

    /**
     * A root bus with the devices libvirt 11.3 adds to a q35 domain that names no USB controller and no memballoon, in
     * its order ({@code virsh domxml-to-native}): hot-pluggable root ports with the qemu-xhci controller, then the
     * GPUs' ports ({@code gpuPorts}), then the balloon's, then a spare one. Devices on {@code pcie.0} go in
     * {@code rootDevices}.
     */
    static List<Part> libvirt(List<Part> rootDevices, Port... gpuPorts) {
        List<Part> bus = new ArrayList<>(rootDevices);
        bus.add(port(true, USB));
        bus.addAll(List.of(gpuPorts));
        bus.add(port(true, BALLOON));
        bus.add(new Port(true, OptionalLong.empty(), List.of()));
        return bus;
    }

    /** The devices, ports and switches with the ids the command line gives them. */
    List<PciNode> topology() {
        return render().nodes();
    }

    /** QEMU's arguments: the case's machine, vCPU, devices and knob, with these flash images and backing files. */
    List<String> arguments(Path code, Path vars, Path serial, Path fileDirectory) {
        List<String> args = new ArrayList<>(List.of("-machine", MACHINE + ",accel=tcg",
                "-cpu", cpuModel + ",phys-bits=" + cpu.physBits() + ",pdpe1gb=" + (cpu.gigabytePages() ? "on" : "off")
                        + ",vendor=" + cpu.vendorId()
                        + (cpu.guestPhysBits() > 0 ? ",guest-phys-bits=" + cpu.guestPhysBits() : ""),
                "-m", maxMemGib == 0 ? ramGib + "G" : ramGib + "G,slots=2,maxmem=" + maxMemGib + "G",
                "-nodefaults", "-no-user-config", "-display", "none",
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + code,
                "-drive", "if=pflash,format=raw,unit=1,file=" + vars,
                "-serial", "file:" + serial, "-qmp", "stdio"));
        knob.ifPresent(value -> args.addAll(List.of("-fw_cfg", "name=" + PciMmio64Knob.FW_CFG_NAME + ",string=" + value)));
        args.addAll(render().arguments(fileDirectory));
        return args;
    }

    /** The files the command line names, each with its size: sparse BAR backings and the zero-filled ROM image. */
    Map<String, Long> files() {
        return render().files();
    }

    private Rendering render() {
        Rendering rendering = new Rendering();
        rendering.rootBus(rootBus);
        return rendering;
    }

    /** Walks the parts once, giving every function, port and switch its id, address and BARs. */
    private static final class Rendering {
        private final List<PciNode> rootNodes = new ArrayList<>();
        /** The -device (and -object) arguments; {@code %DIR%} stands for the backing files' directory. */
        private final List<String> devices = new ArrayList<>();
        private final Map<String, Long> files = new LinkedHashMap<>();
        private int shmems;
        private int gpus;
        private int rootPorts;
        private int switches;
        private int downstreamPorts;
        private int emulatedDevices;
        private int pciBridges;
        private int rootSlot = FIRST_DEVICE_SLOT;
        private int bankSlot = FIRST_BANK_SLOT;

        List<PciNode> nodes() {
            List<PciNode> nodes = new ArrayList<>(rootNodes);
            nodes.addAll(ICH9_FUNCTIONS);
            return List.copyOf(nodes);
        }

        Map<String, Long> files() {
            return Map.copyOf(files);
        }

        List<String> arguments(Path fileDirectory) {
            return devices.stream().map(argument -> argument.replace("%DIR%", fileDirectory.toString())).toList();
        }

        void rootBus(List<Part> parts) {
            for (Part part : parts) {
                if (part instanceof Port port) {
                    int slot = FIRST_PORT_SLOT + rootPorts;
                    if (slot >= ICH9_SLOT) {
                        throw new IllegalArgumentException("too many root ports: slot 0x1f is ICH9's");
                    }
                    rootNodes.add(rootPort(port, slot, 0, false));
                } else if (part instanceof PortBank bank) {
                    List<Port> ports = bank.ports();
                    for (int i = 0; i < ports.size(); i++) {
                        int slot = bankSlot + i / FUNCTIONS;
                        int function = i % FUNCTIONS;
                        if (slot >= FIRST_DEVICE_SLOT) {
                            throw new IllegalArgumentException("too many root ports in banks");
                        }
                        rootNodes.add(rootPort(ports.get(i), slot, function, function == 0 && i + 1 < ports.size()));
                    }
                    bankSlot += (ports.size() + FUNCTIONS - 1) / FUNCTIONS;
                } else {
                    int slot = rootSlot++;
                    if (slot >= FIRST_PORT_SLOT) {
                        throw new IllegalArgumentException("too many devices on pcie.0");
                    }
                    rootNodes.addAll(slot(part, "pcie.0", slot));
                }
            }
        }

        private PciNode.Bridge rootPort(Port port, int slot, int portFunction, boolean multifunction) {
            int index = rootPorts++;
            String id = "rp" + index;
            devices.addAll(List.of("-device", String.format(Locale.ROOT,
                    "pcie-root-port,id=%s,bus=pcie.0,chassis=%d,addr=%s,hotplug=%s%s%s", id, index + 1,
                    address(slot, portFunction), onOff(port.hotplug()), multifunction ? ",multifunction=on" : "",
                    port.pref64Reserve().isPresent()
                            ? ",pref64-reserve=" + port.pref64Reserve().getAsLong() : "")));
            List<PciNode> behind = new ArrayList<>();
            boolean severalShmems = port.functions().size() > 1;
            for (int function = 0; function < port.functions().size(); function++) {
                Part part = port.functions().get(function);
                if (part instanceof Shmem shmem) {
                    behind.add(shmem(shmem, id, 0, function, function == 0 && severalShmems));
                } else if (port.functions().size() == 1) {
                    behind.addAll(slot(part, id, 0));
                } else {
                    throw new IllegalArgumentException("only ivshmem functions share a port's slot");
                }
            }
            return new PciNode.Bridge(id, slot, portFunction, port.hotplug(), port.pref64Reserve(), behind);
        }

        /** The functions of one slot: a device, a GPU's functions or a switch's upstream port. */
        private List<PciNode> slot(Part part, String bus, int slot) {
            if (part instanceof Shmem shmem) {
                return List.of(shmem(shmem, bus, slot, 0, false));
            }
            if (part instanceof Gpu gpu) {
                return gpu(gpu, bus, slot);
            }
            if (part instanceof Switch sw) {
                return List.of(upstream(sw, bus, slot));
            }
            if (part instanceof PciBridge pciBridge) {
                String id = "pb" + pciBridges++;
                devices.addAll(List.of("-device", "pcie-pci-bridge,id=" + id + ",bus=" + bus + ",addr="
                        + address(slot, 0)));
                List<PciNode> behind = new ArrayList<>();
                for (int i = 0; i < pciBridge.devices().size(); i++) {
                    behind.add(shmem(pciBridge.devices().get(i), id, i + 1, 0, false));
                }
                return List.of(new PciNode.Bridge(id, slot, 0, true, OptionalLong.empty(), behind));
            }
            if (part instanceof LibvirtDevice device) {
                String id = device.driver().replace("-pci", "") + emulatedDevices++;
                devices.addAll(List.of("-device", device.driver() + ",id=" + id + ",bus=" + bus + ",addr="
                        + address(slot, 0)));
                List<Bar> bars = new ArrayList<>(List.of(device.driver().equals(USB.driver()) ? XHCI_BAR0
                        : VIRTIO_BAR4));
                if (bus.equals("pcie.0") && VIRTIO_LEGACY_IO.containsKey(device.driver())) {
                    bars.add(Bar.io(0, VIRTIO_LEGACY_IO.get(device.driver())));
                }
                return List.of(PciNode.Endpoint.emulated(id, slot, 0, bars));
            }
            throw new IllegalArgumentException("a root port sits on pcie.0 only");
        }

        private PciNode.Endpoint shmem(Shmem shmem, String bus, int slot, int function, boolean multifunction) {
            int index = shmems++;
            String id = "dev" + index;
            String file = "bar" + index;
            files.put(file, shmem.size());
            devices.addAll(List.of("-object", "memory-backend-file,id=mem" + index + ",share=on,mem-path=%DIR%/"
                    + file + ",size=" + shmem.size()));
            devices.addAll(List.of("-device", "ivshmem-plain,id=" + id + ",memdev=mem" + index + ",bus=" + bus
                    + ",addr=" + address(slot, function) + (multifunction ? ",multifunction=on" : "")));
            return PciNode.Endpoint.emulated(id, slot, function, List.of(IVSHMEM_BAR0, Bar.prefetchable64(2,
                    shmem.size())));
        }

        private List<PciNode> gpu(Gpu gpu, String bus, int slot) {
            String id = "gpu" + gpus++;
            files.put(ROM_FILE, ROM_SIZE);
            GpuBars bars = gpu.bars();
            List<PciNode> functions = new ArrayList<>();
            String rom = ",romfile=%DIR%/" + ROM_FILE;
            functions.add(largeBarFunction(bars.vgaClass(), id, bus, slot, 0, bars.largeBar(),
                    rom + ",multifunction=on"));
            if (gpu.audio()) {
                devices.addAll(List.of("-device", "ich9-intel-hda,id=" + id + "-audio,bus=" + bus + ",addr="
                        + address(slot, 1)));
                functions.add(PciNode.Endpoint.emulated(id + "-audio", slot, 1, List.of(HDA_BAR0)));
            }
            // Without a romfile virtio-vga brings QEMU's legacy VGA BIOS; an empty one means no ROM at all.
            functions.add(largeBarFunction(bars.vgaClass(), id + "-bar3", bus, slot, 2, GPU_BAR3_SIZE,
                    bars.vgaClass() ? ",romfile=" : ""));
            if (bars.bar0Is64Bit()) {
                functions.add(largeBarFunction(false, id + "-bar0", bus, slot, 3, GPU_BAR0_SIZE, ""));
            }
            return functions;
        }

        /** A function whose BAR of {@code size} stands in for one of a GPU's 64-bit BARs. */
        private PciNode.Endpoint largeBarFunction(boolean vgaClass, String id, String bus, int slot, int function,
                                                  long size, String extra) {
            String where = ",bus=" + bus + ",addr=" + address(slot, function) + extra;
            if (vgaClass) {
                devices.addAll(List.of("-device", "virtio-vga,id=" + id + ",hostmem=" + size + where));
                return PciNode.Endpoint.emulatedVga(id, slot, function, List.of(VIRTIO_VGA_BAR0, VIRTIO_VGA_BAR1,
                        VIRTIO_VGA_BAR2, Bar.prefetchable64(4, size)));
            }
            devices.addAll(List.of("-device", "pci-testdev,id=" + id + ",membar=" + size + where));
            return PciNode.Endpoint.emulated(id, slot, function, List.of(TESTDEV_BAR0, TESTDEV_BAR1,
                    Bar.prefetchable64(2, size)));
        }

        private PciNode.Bridge upstream(Switch sw, String bus, int slot) {
            String id = "us" + switches++;
            devices.addAll(List.of("-device", "x3130-upstream,id=" + id + ",bus=" + bus + ",addr="
                    + address(slot, 0)));
            List<PciNode> ports = new ArrayList<>();
            for (int portSlot = 0; portSlot < sw.ports().size(); portSlot++) {
                DownstreamPort port = sw.ports().get(portSlot);
                int index = downstreamPorts++;
                String portId = "ds" + index;
                // Chassis numbers above the root ports' keep every (chassis, slot) pair unique, as QEMU demands.
                devices.addAll(List.of("-device", String.format(Locale.ROOT,
                        "xio3130-downstream,id=%s,bus=%s,addr=%s,port=%d,chassis=%d,hotplug=%s", portId, id,
                        address(portSlot, 0), portSlot, 100 + index, onOff(port.hotplug()))));
                List<PciNode> behind = port.behind().map(part -> slot(part, portId, 0)).orElse(List.of());
                ports.add(new PciNode.Bridge(portId, portSlot, 0, port.hotplug(), OptionalLong.empty(), behind));
            }
            return new PciNode.Bridge(id, slot, 0, false, OptionalLong.empty(), ports);
        }

        private static String address(int slot, int function) {
            return String.format(Locale.ROOT, "0x%x.%d", slot, function);
        }

        private static String onOff(boolean value) {
            return value ? "on" : "off";
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
