package dev.virtlint.firmware;

import static dev.virtlint.firmware.OvmfOracleCase.downstream;
import static dev.virtlint.firmware.OvmfOracleCase.emptyDownstream;
import static dev.virtlint.firmware.OvmfOracleCase.hintedPort;
import static dev.virtlint.firmware.OvmfOracleCase.libvirt;
import static dev.virtlint.firmware.OvmfOracleCase.port;
import static dev.virtlint.firmware.OvmfOracleCase.root;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The boots of the OVMF oracle, the same for every release: vendors and widths OVMF trusts or not, GuestPhysBits, 1 GiB
 * pages, maxmem, X-PciMmio64Mb, BARs from 256 MiB to 256 GiB on the root bus and behind hot-pluggable and fixed root
 * ports, one GPU and several, and GPUs with a real board's BARs among libvirt's devices, behind root ports and PCIe
 * switches ({@link #gpus}). The names say what the boot shows; where releases differ, which release does what. They
 * describe 2022.11 and later: Ubuntu's 2022.02 reads no phys-bits and pads no port in 64-bit space, so it uses the
 * classic window in every case (and boots the "window past 2^39" one). Quick ones run in every {@code mvn test}; the
 * rest with {@code -Dvirtlint.oracle.full=true}.
 */
final class OvmfOracleCases {
    private static final long M = 1L << 20;
    private static final long G = 1L << 30;
    private static final String EPYC = "EPYC";
    private static final String SKYLAKE = "Skylake-Server";
    /** An Intel model with 5-level paging (la57), which TCG emulates. */
    private static final String ICELAKE = "Icelake-Server";

    private final List<OvmfOracleCase> cases = new ArrayList<>();

    private OvmfOracleCases() {
    }

    static List<OvmfOracleCase> all() {
        OvmfOracleCases c = new OvmfOracleCases();
        c.quick("128 GiB on pcie.0, EPYC at 40 bits: at the dynamic window's base, below AMD's HT hole from 2023.02",
                amd(40), 2, 0, null, root(128 * G));
        c.quick("128 GiB behind a root port beside libvirt's hot-pluggable ports (usb, balloon, spare): not mapped",
                amd(40), 2, 0, null, port(true, 128 * G), port(true, M), port(true, M), port(true));
        c.quick("64 GiB behind a root port beside libvirt's hot-pluggable ports: mapped", amd(40), 2, 0, null,
                port(true, 64 * G), port(true, M), port(true, M), port(true));
        c.quick("Intel at 40 bits is not trusted: classic 32 GiB window at 32 GiB", intel(40), 2, 0, null,
                port(true, 16 * G));
        c.quick("Intel at 40 bits: a lone 64 GiB BAR does not fit the classic window, the firmware stops", intel(40),
                2, 0, null, port(true, 64 * G));
        c.quick("Intel at 40 bits: 64 GiB rejected, 16 GiB behind another port placed", intel(40), 2, 0, null,
                port(true, 64 * G), port(false, 16 * G));
        c.quick("Intel at 40 bits, X-PciMmio64Mb=131072: 128 GiB window at 128 GiB", intel(40), 2, 0, "131072",
                port(true, 64 * G));
        c.quick("Intel at 39 bits is trusted: 64 GiB window at 448 GiB", intel(39), 2, 0, null, port(true, 16 * G));
        c.full("Intel at 39 bits, X-PciMmio64Mb=524288: window past 2^39, the firmware never boots", intel(39), 2, 0,
                "524288", port(true, 16 * G));
        c.quick("root bus alone overflows the window: the firmware stops", amd(40), 2, 0, null, root(64 * G),
                root(64 * G), root(16 * G));
        c.quick("two equal GPUs behind ports overflow: the later one is rejected", amd(40), 2, 0, null,
                port(false, 64 * G), port(false, 64 * G), port(false, 16 * G));
        c.quick("Intel at 41 bits: 256 GiB on pcie.0 fills the 256 GiB window", intel(41), 2, 0, null, root(256 * G));
        c.quick("Intel at 40 bits with maxmem 64 GiB: classic window above the hotplug area", intel(40), 2, 64, null,
                port(true, 16 * G));
        c.quick("Intel at 46 bits without 1 GiB pages: OVMF caps at 40", intelNoGigabytePages(46), 2, 0, null,
                port(true, 64 * G));
        c.quick("128 GiB on pcie.0 beside a hot-pluggable port with a 16 MiB device: the port is dropped", amd(40), 2, 0,
                null, root(128 * G), port(true, 16 * M));
        c.quick("five functions behind one port against a GPU on pcie.0: a function is rejected", amd(40), 2, 0, null,
                port(false, 16 * G, 16 * G, 16 * G, 16 * G, 16 * G), root(64 * G));

        c.full("128 GiB behind a lone fixed root port: mapped", amd(40), 2, 0, null, port(false, 128 * G));
        c.full("128 GiB behind a lone hot-pluggable root port: padding is a minimum", amd(40), 2, 0, null,
                port(true, 128 * G));
        c.full("a port's window is its packed BARs, not rounded to their alignment", amd(40), 2, 0, null,
                port(false, 64 * G, G), port(false, 32 * G));
        c.full("the largest BAR behind any port is rejected, not the fullest port", amd(40), 2, 0, null,
                port(false, 32 * G, 32 * G, 16 * G), port(false, 64 * G));
        c.full("a 64 GiB GPU loses to five 16 GiB functions behind another port", amd(40), 2, 0, null,
                port(false, 64 * G), port(false, 16 * G, 16 * G, 16 * G, 16 * G, 16 * G));
        c.full("equal BARs on pcie.0 and behind ports keep scan order", amd(40), 2, 0, null, port(false, 32 * G),
                root(32 * G), root(32 * G), port(false, 32 * G));
        c.full("classic window: no 64-bit padding for hot-pluggable ports", intel(40), 2, 0, null, port(true),
                root(8 * G), root(16 * G), port(true, G));
        c.full("256 MiB BARs behind hot-pluggable ports get 512 MiB windows", amd(40), 2, 0, null,
                port(true, 256 * M), port(true, 256 * M), port(true, 256 * M), port(true, 256 * M));
        c.full("Intel at 39 bits: 256 MiB padding, four ports fit 64 GiB", intel(39), 2, 0, null, port(true, 32 * G),
                port(true, 16 * G), port(true, 8 * G), port(true));
        c.full("Intel at 39 bits: 64 GiB alone behind a hot-pluggable port fits", intel(39), 2, 0, null,
                port(true, 64 * G));
        c.full("Intel at 39 bits: 64 GiB and a spare hot-pluggable port do not", intel(39), 2, 0, null,
                port(true, 64 * G), port(true));
        c.full("EPYC, X-PciMmio64Mb=262144: classic 256 GiB window at 256 GiB", amd(40), 2, 0, "262144",
                port(true, 128 * G), port(true));
        c.quick("EPYC, X-PciMmio64Mb=65536 is below 1/8: the dynamic window stays, unless the build has 2025.05's change",
                amd(40), 2, 0, "65536", root(64 * G));
        c.full("EPYC, X-PciMmio64Mb=64G is not decimal: ignored", amd(40), 2, 0, "64G", root(64 * G));
        c.full("Intel at 40 bits, X-PciMmio64Mb=49152: 48 GiB window aligned to 32 GiB", intel(40), 2, 0, "49152",
                port(true, 32 * G), port(true, 16 * G));
        c.quick("Intel at 46 bits with 1 GiB pages: 8 TiB window at 56 TiB", intel(46), 2, 0, null, port(true, 64 * G));
        c.quick("Intel at 40 bits with GuestPhysBits 40: trusted from 2024.08, a 128 GiB window", intel(40, 40), 2, 0,
                null, port(true, 16 * G));
        c.full("Intel at 46 bits with GuestPhysBits 42: from 2024.08 the window is 1/8 of 42 bits", intel(46, 42), 2, 0,
                null, port(true, 64 * G));
        c.full("AMD at 39 bits with GuestPhysBits 39: trusted from 2024.08, a 64 GiB window", amd(39, 39), 2, 0, null,
                root(32 * G), port(true, 16 * G));
        c.full("Intel at 48 bits: capped at 47 by 2022.11 (16 TiB at 112 TiB), at 46 from 2023.08 (8 TiB at 56 TiB)",
                intel(48), 2, 0, null, port(true, 256 * G));
        c.full("Icelake (la57) at 48 bits: no OVMF build turns on 5-level paging, so 47 by 2022.11, 46 from 2023.08",
                ICELAKE, intel(48), 2, 0, null, port(true, 256 * G));
        c.full("AMD at 41 bits without 1 GiB pages: capped at 40", amdNoGigabytePages(41), 2, 0, null,
                port(true, 64 * G));
        c.full("Intel at 41 bits without 1 GiB pages: trusted, capped at 40, dynamic window", intelNoGigabytePages(41),
                2, 0, null, port(true, 32 * G));
        c.full("EPYC with maxmem 64 GiB: the dynamic window ignores the hotplug area", amd(40), 2, 64, null,
                port(true, 64 * G));
        c.full("EPYC with maxmem 900 GiB: 1/8 does not fit above it, classic window at 928 GiB", amd(40), 2, 900, null,
                port(true, 16 * G));
        c.full("Intel at 40 bits, 8 GiB RAM: the classic window stays at 32 GiB", intel(40), 8, 0, null,
                root(16 * G));
        c.full("pref64-reserve on a hot-pluggable port replaces the padding", amd(40), 2, 0, null, hintedPort(2 * G),
                port(false, 256 * M));
        c.full("Intel at 41 bits: 128+64+32+16+8 GiB behind hot-pluggable ports", intel(41), 2, 0, null,
                port(true, 128 * G), port(true, 64 * G), port(true, 32 * G), port(true, 16 * G), port(true, 8 * G));
        c.full("Intel at 41 bits: four 64 GiB GPUs fill the window", intel(41), 2, 0, null, port(true, 64 * G),
                port(true, 64 * G), port(true, 64 * G), port(true, 64 * G));
        c.full("Intel at 41 bits: four 64 GiB GPUs and a spare port: the last GPU is rejected", intel(41), 2, 0, null,
                port(true, 64 * G), port(true, 64 * G), port(true, 64 * G), port(true, 64 * G), port(true));
        c.full("EPYC: 64 GiB and three hot-pluggable ports fit", amd(40), 2, 0, null, port(true, 64 * G), port(true),
                port(true), port(true));
        c.full("Intel at 39 bits: 64 GiB on pcie.0 and a spare port: the port's padding is dropped", intel(39), 2, 0,
                null, root(64 * G), port(true));
        c.full("EPYC: two 64 GiB GPUs behind fixed ports fill the window", amd(40), 2, 0, null, port(false, 64 * G),
                port(false, 64 * G));
        c.full("EPYC at 46 bits: 8 TiB window at 56 TiB", amd(46), 2, 0, null, port(true, 128 * G));
        c.full("Intel at 36 bits is trusted: classic window ending at 2^36", intel(36), 2, 0, null, root(16 * G));
        c.full("Intel at 38 bits is not trusted", intel(38), 2, 0, null, port(true, 16 * G));
        c.full("AMD at 39 bits is not trusted", amd(39), 2, 0, null, port(true, 16 * G));
        c.full("EPYC at 41 bits: 256 GiB window at 1792 GiB", amd(41), 2, 0, null, port(true, 128 * G),
                port(true, 64 * G));
        c.full("a GPU with its audio function behind one hot-pluggable port", amd(40), 2, 0, null,
                port(true, 32 * G, M));
        c.full("Intel at 41 bits: 256 GiB on pcie.0 and a spare port: the port's padding is dropped", intel(41), 2, 0,
                null, root(256 * G), port(true));
        c.full("a single 256 MiB BAR behind a fixed port", amd(40), 2, 0, null, port(false, 256 * M));
        c.full("EPYC: four 32 GiB GPUs and a spare port: the last GPU is rejected", amd(40), 2, 0, null,
                port(true, 32 * G), port(true, 32 * G), port(true, 32 * G), port(true, 32 * G), port(true));
        c.full("EPYC: 256 GiB behind a hot-pluggable port is rejected, the port keeps its padding", amd(40), 2, 0, null,
                port(true, 256 * G));
        c.full("EPYC: 256 GiB behind a port rejected, 16 GiB on pcie.0 placed", amd(40), 2, 0, null,
                port(false, 256 * G), root(16 * G));
        c.full("Intel at 40 bits: 64 GiB rejected, 1 MiB behind another port placed", intel(40), 2, 0, null,
                port(false, 64 * G), port(false, M));
        c.full("Intel at 40 bits: 64 GiB rejected, 1 GiB on pcie.0 placed", intel(40), 2, 0, null, port(false, 64 * G),
                root(G));
        c.full("Intel at 40 bits: 64 GiB rejected beside an empty hot-pluggable port, the firmware stops", intel(40), 2,
                0, null, port(false, 64 * G), port(true));
        c.full("EPYC: two 256 GiB GPUs rejected one after the other, the firmware stops", amd(40), 2, 0, null,
                port(false, 256 * G), port(false, 256 * G));
        c.full("Intel at 40 bits, X-PciMmio64Mb=32800: a 32 GiB GPU on pcie.0 and five libvirt ports: two lose padding",
                intel(40), 2, 0, "32800", consumer(32 * G, false),
                port(true, new OvmfOracleCase.LibvirtDevice("virtio-serial-pci")), port(true, OvmfOracleCase.USB),
                port(true, OvmfOracleCase.BALLOON), port(true, new OvmfOracleCase.LibvirtDevice("virtio-rng-pci")),
                port(true));
        c.full("Intel at 40 bits, X-PciMmio64Mb=32800: that GPU and a 512 MiB Looking Glass shmem: the shmem goes",
                intel(40), 2, 0, "32800", consumer(32 * G, false),
                port(true, new OvmfOracleCase.PciBridge(List.of(new OvmfOracleCase.Shmem(512 * M)))),
                port(true, new OvmfOracleCase.LibvirtDevice("virtio-serial-pci")), port(true, OvmfOracleCase.USB),
                port(true, OvmfOracleCase.BALLOON), port(true, new OvmfOracleCase.LibvirtDevice("virtio-rng-pci")),
                port(true));
        c.full("EPYC: 127 GiB on pcie.0, three hot-pluggable ports with 16 MiB: two lose their padding, not the devices",
                amd(40), 2, 0, null, root(64 * G), root(32 * G), root(16 * G), root(8 * G), root(4 * G), root(2 * G),
                root(G), port(true, 16 * M), port(true, 16 * M), port(true, 16 * M));
        gpus(c);
        ioSpace(c);
        return List.copyOf(c.cases);
    }

    /**
     * OVMF's PCI I/O space, 0x6000-0xFFFF on q35: each bridge that needs I/O takes a 4 KiB window of it, and up to
     * 2023.05 every hot-pluggable port does, for its 512-byte padding; ten fit. Root ports packed eight to a slot from
     * 0x2, as virt-manager writes its 14 or 15 ({@link OvmfOracleCase.PortBank}). When the space runs out OVMF drops
     * the padding of the lowest-numbered port first, the 64-bit padding with it, and then rejects devices behind
     * bridges that need I/O (pci-testdev has 256 ports at BAR 1) with every BAR they have.
     */
    private static void ioSpace(OvmfOracleCases c) {
        c.quick("I/O: 14 hot-pluggable root ports in slots 2 and 3: up to 2023.05 ten get I/O, rp0-rp3 lose padding",
                amd(40), List.of(bank(hotplugPorts(14))));
        List<OvmfOracleCase.Port> beside = hotplugPorts(14);
        beside.set(13, port(true, 32 * G));
        c.full("I/O: 127 GiB on pcie.0, 14 ports, 32 GiB behind rp13: rejected in the first attempt beside rp0's padding",
                amd(40), List.of(root(64 * G), root(16 * G), root(8 * G), root(2 * G), root(G), bank(beside)));
        for (int ports : new int[] {8, 9, 10, 11, 15}) {
            c.full("I/O: " + ports + " hot-pluggable root ports in slots 2 and 3", amd(40),
                    List.of(bank(hotplugPorts(ports))));
        }
        List<OvmfOracleCase.Port> gpuFirst = hotplugPorts(14);
        gpuFirst.set(0, port(true, dataCentre(16 * G)));
        c.full("I/O: 14 ports, an A100 stand-in with I/O behind rp0: its padding goes first and frees nothing", amd(40),
                List.of(bank(gpuFirst)));
        List<OvmfOracleCase.Port> gpuSixth = hotplugPorts(14);
        gpuSixth.set(5, port(true, dataCentre(16 * G)));
        c.full("I/O: 14 ports, an A100 stand-in with I/O behind rp5", amd(40), List.of(bank(gpuSixth)));
        List<OvmfOracleCase.Port> geforce = hotplugPorts(14);
        geforce.set(0, port(true, consumer(16 * G, true)));
        c.full("I/O: 14 ports, a GeForce stand-in without I/O behind rp0: rp0 loses its padding too", amd(40),
                List.of(bank(geforce)));
        List<OvmfOracleCase.Port> fixed = hotplugPorts(14);
        for (int index : new int[] {1, 3, 6}) {
            fixed.set(index, port(false));
        }
        c.full("I/O: 14 ports, rp1, rp3 and rp6 with hotplug off: eleven padded, rp0 loses its padding", amd(40),
                List.of(bank(fixed)));
        List<OvmfOracleCase.Port> fixedGpu = hotplugPorts(14);
        fixedGpu.set(2, port(false, dataCentre(16 * G)));
        c.full("I/O: 14 ports, an A100 stand-in behind fixed rp2: nine windows, five ports lose padding", amd(40),
                List.of(bank(fixedGpu)));
        c.full("I/O: transitional virtio devices on pcie.0 beside 14 ports", amd(40),
                List.of(new OvmfOracleCase.LibvirtDevice("virtio-serial-pci"),
                        new OvmfOracleCase.LibvirtDevice("virtio-balloon-pci"),
                        new OvmfOracleCase.LibvirtDevice("virtio-rng-pci"), bank(hotplugPorts(14))));
        List<OvmfOracleCase.Port> withSwitch = hotplugPorts(10);
        withSwitch.set(0, port(true, pcieSwitch(emptyDownstream(true), emptyDownstream(true), emptyDownstream(true))));
        c.full("I/O: a switch with three hot-pluggable downstream ports in rp0 of ten: it and ds0-ds2 lose padding",
                amd(40), List.of(bank(withSwitch)));
        c.full("I/O: 14 ports under the classic window: no 64-bit padding, the I/O windows still go", intel(40),
                List.of(bank(hotplugPorts(14))));
        List<OvmfOracleCase.Port> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(port(false, dataCentre(G)));
        }
        c.quick("I/O: eleven A100 stand-ins with I/O behind fixed ports: the two lowest are rejected, every BAR",
                amd(40), List.of(bank(eleven)));
    }

    private static OvmfOracleCase.PortBank bank(List<OvmfOracleCase.Port> ports) {
        return new OvmfOracleCase.PortBank(ports);
    }

    /** {@code count} empty hot-pluggable root ports, a list the caller may change. */
    private static List<OvmfOracleCase.Port> hotplugPorts(int count) {
        List<OvmfOracleCase.Port> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(port(true));
        }
        return ports;
    }

    /**
     * GPUs with a real board's BARs ({@link OvmfOracleCase.Gpu}) among the devices and root ports libvirt adds to every
     * q35 domain: on pcie.0, behind hot-pluggable and fixed root ports, behind a PCIe switch, one, two and four of
     * them, with and without their audio function; consumer boards (16 MiB BAR 0, a BAR 1 of 256 MiB to 32 GiB,
     * 32 MiB BAR 3) and data-centre ones (BAR 1 of 64 and 128 GiB). Sizes from shared/knowledge/host-facts.md §8.
     */
    private static void gpus(OvmfOracleCases c) {
        List<OvmfOracleCase.Part> none = List.of();
        c.quick("GPU: RTX 4090 with ReBAR (32 GiB) and its audio on pcie.0, EPYC at 40 bits", amd(40),
                libvirt(List.of(consumer(32 * G, true))));
        c.quick("GPU: RTX 4090 (16 GiB) and audio behind a hot-pluggable root port, Intel at 39 bits", intel(39),
                libvirt(none, port(true, consumer(16 * G, true))));
        c.quick("GPU: two RTX 4090 (16 GiB) behind fixed ports, Intel at 40 bits: VGA controllers are never rejected",
                intel(40), libvirt(none, port(false, consumer(16 * G, true)), port(false, consumer(16 * G, true))));
        c.quick("GPU: RTX 4090 (32 GiB) behind a switch beside an empty hot-pluggable and an empty fixed port, EPYC 40",
                amd(40), libvirt(none, port(true, pcieSwitch(downstream(true, consumer(32 * G, true)),
                        emptyDownstream(true), emptyDownstream(false)))));
        c.quick("GPU: two A100 (64 GiB) behind hot-pluggable ports, EPYC at 40 bits: BAR 3 pushes the second out",
                amd(40), libvirt(none, port(true, dataCentre(64 * G)), port(true, dataCentre(64 * G))));
        c.quick("GPU: four H100 PCIe (128 GiB) behind one switch, Intel at 43 bits: 896 GiB of the 1 TiB window",
                intel(43), libvirt(none, port(true, pcieSwitch(downstream(true, dataCentre(128 * G)),
                        downstream(true, dataCentre(128 * G)), downstream(true, dataCentre(128 * G)),
                        downstream(true, dataCentre(128 * G))))));

        c.full("GPU: 256 MiB BAR 1 (no ReBAR) and audio behind a fixed root port, Intel at 40: classic window",
                intel(40), libvirt(none, port(false, consumer(256 * M, true))));
        c.full("GPU: H100 PCIe (128 GiB) on pcie.0, EPYC at 40 bits: BAR 3 overflows the window, the firmware stops",
                amd(40), libvirt(List.of(dataCentre(128 * G))));
        c.full("GPU: H100 PCIe (128 GiB) behind a hot-pluggable port, EPYC at 40 bits: rejected", amd(40),
                libvirt(none, port(true, dataCentre(128 * G))));
        c.full("GPU: H100 PCIe (128 GiB) behind a hot-pluggable port, Intel at 46 bits: 8 TiB window", intel(46),
                libvirt(none, port(true, dataCentre(128 * G))));
        c.full("GPU: H100 SXM (16 MiB, 128 GiB, 32 MiB, all 64-bit) behind a switch, Intel at 42 bits", intel(42),
                libvirt(none, port(true, pcieSwitch(downstream(true, hopperSxm())))));
        c.full("GPU: two RTX 4090 (32 GiB) with audio behind one switch's fixed ports, EPYC at 40: 96 GiB window",
                amd(40), libvirt(none, port(true, pcieSwitch(downstream(false, consumer(32 * G, true)),
                        downstream(false, consumer(32 * G, true))))));
        c.full("GPU: two RTX 4090 (32 GiB) with audio behind fixed root ports, EPYC at 40 bits", amd(40),
                libvirt(none, port(false, consumer(32 * G, true)), port(false, consumer(32 * G, true))));
        c.full("GPU: two A100 (64 GiB) behind hot-pluggable ports, Intel at 46 bits: both placed", intel(46),
                libvirt(none, port(true, dataCentre(64 * G)), port(true, dataCentre(64 * G))));
        c.full("GPU: four RTX 4090 (32 GiB) behind fixed root ports, EPYC at 40: no room, and none may be rejected",
                amd(40),
                libvirt(none, port(false, consumer(32 * G, true)), port(false, consumer(32 * G, true)),
                        port(false, consumer(32 * G, true)), port(false, consumer(32 * G, true))));
        c.full("GPU: four RTX 4090 (16 GiB) with audio behind hot-pluggable root ports, Intel at 41 bits", intel(41),
                libvirt(none, port(true, consumer(16 * G, true)), port(true, consumer(16 * G, true)),
                        port(true, consumer(16 * G, true)), port(true, consumer(16 * G, true))));
        c.full("GPU: RTX 4090 (8 GiB) without audio on pcie.0 and one behind a switch, Intel at 39 bits", intel(39),
                libvirt(List.of(consumer(8 * G, false)),
                        port(true, pcieSwitch(downstream(true, consumer(8 * G, true))))));
    }

    private static FirmwareCpu amd(int bits) {
        return new FirmwareCpu(FirmwareCpu.AMD, bits, true, 0);
    }

    /** CPUID 0x80000008 EAX[23:16] carries guest-phys-bits: KVM fills it in from QEMU 9.1; here -cpu sets it. */
    private static FirmwareCpu amd(int bits, int guestPhysBits) {
        return new FirmwareCpu(FirmwareCpu.AMD, bits, true, guestPhysBits);
    }

    private static FirmwareCpu amdNoGigabytePages(int bits) {
        return new FirmwareCpu(FirmwareCpu.AMD, bits, false, 0);
    }

    private static FirmwareCpu intel(int bits) {
        return new FirmwareCpu(FirmwareCpu.INTEL, bits, true, 0);
    }

    private static FirmwareCpu intel(int bits, int guestPhysBits) {
        return new FirmwareCpu(FirmwareCpu.INTEL, bits, true, guestPhysBits);
    }

    private static FirmwareCpu intelNoGigabytePages(int bits) {
        return new FirmwareCpu(FirmwareCpu.INTEL, bits, false, 0);
    }

    /** A GeForce-like board: a VGA controller with its audio function. */
    private static OvmfOracleCase.Gpu consumer(long largeBar, boolean audio) {
        return new OvmfOracleCase.Gpu(new OvmfOracleCase.GpuBars(largeBar, false, true), audio);
    }

    /** An A100 or H100 PCIe board: a 3D controller without audio. */
    private static OvmfOracleCase.Gpu dataCentre(long largeBar) {
        return new OvmfOracleCase.Gpu(new OvmfOracleCase.GpuBars(largeBar, false, false), false);
    }

    /** H100 SXM (HGX) and H20: BAR 0 of 16 MiB is 64-bit prefetchable too (shared/corpus/sysfs-samples). */
    private static OvmfOracleCase.Gpu hopperSxm() {
        return new OvmfOracleCase.Gpu(new OvmfOracleCase.GpuBars(128 * G, true, false), false);
    }

    private static OvmfOracleCase.Switch pcieSwitch(OvmfOracleCase.DownstreamPort... ports) {
        return new OvmfOracleCase.Switch(List.of(ports));
    }

    private void quick(String name, FirmwareCpu cpu, int ramGib, int maxMemGib, String knob,
                       OvmfOracleCase.Part... rootBus) {
        add(name, cpu, ramGib, maxMemGib, knob, true, List.of(rootBus));
    }

    private void full(String name, FirmwareCpu cpu, int ramGib, int maxMemGib, String knob,
                      OvmfOracleCase.Part... rootBus) {
        add(name, cpu, ramGib, maxMemGib, knob, false, List.of(rootBus));
    }

    private void quick(String name, FirmwareCpu cpu, List<OvmfOracleCase.Part> rootBus) {
        add(name, cpu, 2, 0, null, true, rootBus);
    }

    private void full(String name, FirmwareCpu cpu, List<OvmfOracleCase.Part> rootBus) {
        add(name, cpu, 2, 0, null, false, rootBus);
    }

    /** A case on a named CPU model instead of the vendor's usual one. */
    private void full(String name, String model, FirmwareCpu cpu, int ramGib, int maxMemGib, String knob,
                      OvmfOracleCase.Part... rootBus) {
        add(name, model, cpu, ramGib, maxMemGib, knob, false, List.of(rootBus));
    }

    private void add(String name, FirmwareCpu cpu, int ramGib, int maxMemGib, String knob, boolean quick,
                     List<OvmfOracleCase.Part> rootBus) {
        add(name, cpu.vendorId().equals(FirmwareCpu.AMD) ? EPYC : SKYLAKE, cpu, ramGib, maxMemGib, knob, quick, rootBus);
    }

    private void add(String name, String model, FirmwareCpu cpu, int ramGib, int maxMemGib, String knob,
                     boolean quick, List<OvmfOracleCase.Part> rootBus) {
        cases.add(new OvmfOracleCase(name, cpu, model, ramGib, maxMemGib, Optional.ofNullable(knob), rootBus, quick));
    }
}
