package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.PlatformResolver;
import dev.virtlint.platform.Resolved;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.xml.SafeXmlLoader;

/** From domain XML to what OVMF sees: the CPU facts, the knob, and the PCI tree libvirt will build. */
class FirmwareResolutionTest {

    private static Resolved<OvmfPlan> resolve(String devicesAndMore) throws Exception {
        String xml = "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
                + "<name>t</name><memory unit='GiB'>4</memory>\n" + devicesAndMore + "\n</domain>\n";
        DomainDef domain = DomainBuilder.build(new SafeXmlLoader().load("t.xml",
                new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
        Platform platform = PlatformResolver.resolve(domain, TargetStack.defaults(), HostCpu.unknown());
        return platform.firmware();
    }

    private static String uefi(String machine) {
        return "<os firmware='efi'><type arch='x86_64' machine='" + machine + "'>hvm</type></os>";
    }

    private static List<String> describe(List<PciNode> nodes) {
        List<String> lines = new ArrayList<>();
        for (PciNode node : nodes) {
            String at = String.format("%02x.%d ", node.slot(), node.function());
            if (node instanceof PciNode.Bridge bridge) {
                lines.add(at + bridge.id() + (bridge.hotplug() ? " hotplug" : "") + " " + describe(bridge.children()));
            } else {
                lines.add(at + node.id());
            }
        }
        return lines;
    }

    @Test
    void seaBiosGuestsHaveNoOvmfPlan() throws Exception {
        Resolved<OvmfPlan> plan = resolve("<os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>");
        assertFalse(plan.isKnown());
        assertTrue(plan.source().contains("SeaBIOS"), plan.source());
    }

    /** libvirt 11.3's domxml-to-native gives the same order: net pci.1, usb pci.2, disk pci.3, balloon pci.4, spare. */
    @Test
    void libvirtAddsPortsForDevicesWithoutAddresses() throws Exception {
        OvmfPlan plan = resolve(uefi("q35") + "<devices>"
                + "<disk type='file' device='disk'><source file='/x.img'/><target dev='vda' bus='virtio'/></disk>"
                + "<interface type='user'><model type='virtio'/></interface>"
                + "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                + "<address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/></source></hostdev>"
                + "</devices>").value().orElseThrow();
        assertEquals(List.of(
                "01.0 libvirt's pcie-root-port for virtio interface hotplug [00.0 virtio interface]",
                "01.1 libvirt's pcie-root-port for qemu-xhci USB controller hotplug [00.0 qemu-xhci USB controller]",
                "01.2 libvirt's pcie-root-port for virtio disk vda hotplug [00.0 virtio disk vda]",
                "01.3 libvirt's pcie-root-port for hostdev 0000:41:00.0 hotplug [00.0 hostdev 0000:41:00.0]",
                "01.4 libvirt's pcie-root-port for virtio memballoon hotplug [00.0 virtio memballoon]",
                "01.5 libvirt's spare pcie-root-port hotplug []",
                "1f.2 ICH9 AHCI",
                "1f.3 ICH9 SMBus"), describe(plan.rootBus()));
        assertEquals(List.of("hostdev 0000:41:00.0"), plan.hostEndpoints().stream().map(PciNode::id).toList());
    }

    @Test
    void definedDomainsKeepTheirTopology() throws Exception {
        OvmfPlan plan = resolve(uefi("pc-q35-10.0") + "<devices>"
                + "<controller type='usb' model='none'/><memballoon model='none'/>"
                + "<controller type='pci' index='0' model='pcie-root'/>"
                + "<controller type='pci' index='1' model='pcie-root-port'><target chassis='1' port='0x10'"
                + " hotplug='off'/><address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'"
                + " multifunction='on'/></controller>"
                + "<controller type='pci' index='2' model='pcie-root-port'><target chassis='2' port='0x11'/>"
                + "<address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x1'/></controller>"
                + "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                + "<address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/></source>"
                + "<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0' multifunction='on'/>"
                + "</hostdev>"
                + "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                + "<address domain='0x0000' bus='0x41' slot='0x00' function='0x1'/></source>"
                + "<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x1'/></hostdev>"
                + "<shmem name='looking-glass'><model type='ivshmem-plain'/><size unit='M'>64</size>"
                + "<address type='pci' domain='0x0000' bus='0x00' slot='0x10' function='0x0'/></shmem>"
                + "</devices>").value().orElseThrow();
        assertEquals(List.of(
                "02.0 pci.1 pcie-root-port [00.0 hostdev 0000:41:00.0, 00.1 hostdev 0000:41:00.1]",
                "02.1 pci.2 pcie-root-port hotplug []",
                "10.0 shmem looking-glass",
                "1f.2 ICH9 AHCI",
                "1f.3 ICH9 SMBus"), describe(plan.rootBus()));
        assertTrue(plan.notes().isEmpty(), plan.notes().toString());
    }

    /** Every endpoint of the tree with its I/O BARs as "index:size". */
    private static List<String> ioBars(List<PciNode> nodes) {
        List<String> lines = new ArrayList<>();
        for (PciNode node : nodes) {
            if (node instanceof PciNode.Bridge bridge) {
                lines.addAll(ioBars(bridge.children()));
            } else if (node instanceof PciNode.Endpoint endpoint) {
                lines.add(endpoint.id() + " " + endpoint.bars().stream().filter(Bar::io)
                        .map(bar -> bar.index() + ":" + bar.size()).toList());
            }
        }
        return lines;
    }

    /**
     * The I/O BARs OVMF places in its I/O space: a virtio device is transitional on pcie.0 and modern-only behind a
     * root port unless libvirt's model says otherwise, the NICs and video models have their own, and the chipset's
     * AHCI and SMBus are on every q35 machine once (the domain's sata controller at 0x1f.2 is that AHCI).
     */
    @Test
    void ioBarsFollowTheDeviceAndItsBus() throws Exception {
        OvmfPlan plan = resolve(uefi("pc-q35-10.0") + "<devices>"
                + "<controller type='sata' index='0'><address type='pci' domain='0x0000' bus='0x00' slot='0x1f'"
                + " function='0x2'/></controller>"
                + "<controller type='virtio-serial' index='0'><address type='pci' domain='0x0000' bus='0x00'"
                + " slot='0x10' function='0x0'/></controller>"
                + "<interface type='user'><model type='e1000e'/></interface>"
                + "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
                + "<memballoon model='virtio-transitional'/>"
                + "<video><model type='qxl'/></video>"
                + "</devices>").value().orElseThrow();
        assertEquals(PciIoAperture.Q35, plan.input().pciIo());
        assertEquals(List.of("sata controller [4:32]", "virtio-serial controller [0:64]", "qxl video [3:32]",
                "e1000e interface [2:32]", "qemu-xhci USB controller []", "virtio-transitional memballoon [0:64]",
                "virtio rng []", "ICH9 SMBus [4:64]"), ioBars(plan.rootBus()));
        OvmfPlan pc = resolve(uefi("pc-i440fx-10.0") + "<devices><controller type='usb' model='piix3-uhci'/>"
                + "<memballoon model='virtio'/></devices>").value().orElseThrow();
        assertEquals(PciIoAperture.I440FX, pc.input().pciIo());
        assertEquals(List.of("piix3-uhci USB controller [4:32]", "virtio memballoon [0:64]", "PIIX3 IDE [4:16]"),
                ioBars(pc.rootBus()));
    }

    @Test
    void cpuFactsFollowTheModelAndTheDomainsOverrides() throws Exception {
        String cpu = "<cpu mode='custom'><model>Skylake-Client</model><maxphysaddr mode='emulate' bits='46'/>%s</cpu>";
        OvmfPlan plain = resolve(uefi("pc-q35-10.0") + String.format(cpu, "")).value().orElseThrow();
        assertFalse(plain.input().cpu().gigabytePages(), "Skylake-Client has no pdpe1gb");
        assertEquals(0xE0_0000_0000L, plain.aperture().base(), "capped at 40 bits");
        OvmfPlan required = resolve(uefi("pc-q35-10.0")
                + String.format(cpu, "<feature policy='require' name='pdpe1gb'/>")).value().orElseThrow();
        assertTrue(required.input().cpu().gigabytePages());
        assertEquals(0x3800_0000_0000L, required.aperture().base());
    }

    @Test
    void theKnobAndGuestPhysBitsComeFromTheCommandLine() throws Exception {
        OvmfPlan plan = resolve(uefi("pc-q35-10.0") + "<cpu mode='custom'><model>EPYC</model></cpu>"
                + "<qemu:commandline><qemu:arg value='-fw_cfg'/>"
                + "<qemu:arg value='name=opt/ovmf/X-PciMmio64Mb,string=262144'/>"
                + "<qemu:arg value='-global'/><qemu:arg value='EPYC-x86_64-cpu.guest-phys-bits=39'/>"
                + "</qemu:commandline>").value().orElseThrow();
        assertEquals(262144, plan.input().knob().mib());
        assertEquals(39, plan.input().cpu().guestPhysBits());
        assertEquals(Aperture.Kind.CLASSIC, plan.aperture().kind());
        assertEquals(256L << 30, plan.aperture().base());
    }

    @Test
    void aMalformedKnobLeavesTheWindowUnpredicted() throws Exception {
        Resolved<OvmfPlan> plan = resolve(uefi("pc-q35-10.0") + "<qemu:commandline><qemu:arg value='-fw_cfg'/>"
                + "<qemu:arg value='opt/ovmf/X-PciMmio64Mb=65536'/></qemu:commandline>");
        assertEquals(Optional.empty(), plan.value());
        assertTrue(plan.source().contains("Invalid parameter"), plan.source());
    }

    /** Two PCI controllers of one index made a bridge its own child and the tree endless (a StackOverflowError). */
    @Test
    void pciControllersThatLibvirtRefusesLeaveTheWindowUnpredicted() throws Exception {
        Resolved<OvmfPlan> duplicate = resolve(uefi("pc-q35-10.0") + "<devices><controller type='pci' index='0'"
                + " model='pcie-root'/><controller type='pci' index='1' model='pcie-root-port'/><controller type='pci'"
                + " index='1'><target hotplug='on'/></controller></devices>");
        assertEquals(Optional.empty(), duplicate.value());
        assertEquals("libvirt refuses the domain: \"Multiple 'pci' controllers with index '1'\"", duplicate.source());
        Resolved<OvmfPlan> loop = resolve(uefi("pc-q35-10.0") + "<devices><controller type='pci' index='0'"
                + " model='pcie-root'/><controller type='pci' index='1' model='pcie-root-port'><address type='pci'"
                + " domain='0' bus='1' slot='0' function='0'/></controller></devices>");
        assertTrue(loop.source().contains("form a loop"), loop.source());
    }
}
