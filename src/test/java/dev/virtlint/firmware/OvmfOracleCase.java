package dev.virtlint.firmware;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One boot of the real OVMF: a q35 guest whose passthrough GPUs are stood in for by {@code ivshmem-plain} devices
 * (one 64-bit prefetchable BAR 2 of the memdev's size, plus a 256-byte 32-bit BAR 0), on the root bus or behind
 * {@code pcie-root-port}s. The same description yields the QEMU command line and the model's inputs.
 *
 * @param name      what the case shows
 * @param cpu       the vCPU as OVMF sees it; the command line sets exactly these properties
 * @param cpuModel  the QEMU model whose vendor the case uses (its pdpe1gb is overridden by {@code cpu})
 * @param ramGib    initial RAM
 * @param maxMemGib {@code maxmem}, 0 for none (then no slots)
 * @param knob      the X-PciMmio64Mb string, if any
 * @param layout    what sits on the root bus, in slot order
 * @param quick     part of the subset {@code mvn test} boots
 */
record OvmfOracleCase(String name, FirmwareCpu cpu, String cpuModel, int ramGib, int maxMemGib, Optional<String> knob,
                      List<Slot> layout, boolean quick) {

    static final String MACHINE = "pc-q35-9.2";
    private static final int FIRST_DEVICE_SLOT = 0x10;
    private static final int FIRST_PORT_SLOT = 0x18;

    /** A root-bus device or a root port with the devices behind it (their BAR sizes, one per function). */
    record Slot(boolean port, boolean hotplug, OptionalLong pref64Reserve, List<Long> barSizes) {
    }

    static Slot root(long barSize) {
        return new Slot(false, false, OptionalLong.empty(), List.of(barSize));
    }

    static Slot port(boolean hotplug, long... barSizes) {
        List<Long> sizes = new ArrayList<>();
        for (long size : barSizes) {
            sizes.add(size);
        }
        return new Slot(true, hotplug, OptionalLong.empty(), sizes);
    }

    static Slot hintedPort(long pref64Reserve) {
        return new Slot(true, true, OptionalLong.of(pref64Reserve), List.of());
    }

    /** The devices and ports with the ids the command line gives them ({@code dev0}…, {@code rp0}…). */
    List<PciNode> topology() {
        List<PciNode> nodes = new ArrayList<>();
        int device = 0;
        int rootSlot = FIRST_DEVICE_SLOT;
        int port = 0;
        for (Slot slot : layout) {
            if (!slot.port()) {
                nodes.add(PciNode.Endpoint.emulated("dev" + device++, rootSlot++, 0,
                        List.of(Bar.prefetchable64(2, slot.barSizes().get(0)))));
                continue;
            }
            List<PciNode> children = new ArrayList<>();
            for (int function = 0; function < slot.barSizes().size(); function++) {
                children.add(PciNode.Endpoint.emulated("dev" + device++, 0, function,
                        List.of(Bar.prefetchable64(2, slot.barSizes().get(function)))));
            }
            nodes.add(new PciNode.Bridge("rp" + port, FIRST_PORT_SLOT + port, 0, slot.hotplug(), slot.pref64Reserve(),
                    children));
            port++;
        }
        return nodes;
    }

    /** QEMU's arguments: the case's machine, vCPU, devices and knob, with these flash images and BAR files. */
    List<String> arguments(Path code, Path vars, Path serial, Path barDirectory) {
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
        int device = 0;
        int rootSlot = FIRST_DEVICE_SLOT;
        int port = 0;
        for (Slot slot : layout) {
            if (slot.port()) {
                args.addAll(List.of("-device", String.format(Locale.ROOT,
                        "pcie-root-port,id=rp%d,bus=pcie.0,chassis=%d,addr=0x%x,hotplug=%s%s", port, port + 1,
                        FIRST_PORT_SLOT + port, slot.hotplug() ? "on" : "off",
                        slot.pref64Reserve().isPresent() ? ",pref64-reserve=" + slot.pref64Reserve().getAsLong() : "")));
            }
            for (int function = 0; function < slot.barSizes().size(); function++) {
                long size = slot.barSizes().get(function);
                args.addAll(List.of("-object", "memory-backend-file,id=mem" + device + ",share=on,mem-path="
                        + barDirectory.resolve("bar" + device) + ",size=" + size));
                String where = slot.port()
                        ? String.format(Locale.ROOT, "bus=rp%d,addr=0x0.%d%s", port, function,
                                function == 0 && slot.barSizes().size() > 1 ? ",multifunction=on" : "")
                        : String.format(Locale.ROOT, "bus=pcie.0,addr=0x%x", rootSlot++);
                args.addAll(List.of("-device", "ivshmem-plain,id=dev" + device + ",memdev=mem" + device + "," + where));
                device++;
            }
            if (slot.port()) {
                port++;
            }
        }
        return args;
    }

    /** Every BAR file the command line names, with its size. */
    List<Long> barSizes() {
        return layout.stream().flatMap(slot -> slot.barSizes().stream()).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
