package dev.virtlint.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.XmlLoadException;

class DomainBuilderTest {
    private static final String GPU_DOMAIN = """
            <domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
              <name>win11</name>
              <metadata>
                <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
                  <libosinfo:os id="http://microsoft.com/win/11"/>
                </libosinfo:libosinfo>
              </metadata>
              <maxMemory slots='4' unit='GiB'>1024</maxMemory>
              <memory unit='GiB'>20</memory>
              <currentMemory unit='GiB'>20</currentMemory>
              <os firmware='efi'>
                <type arch='x86_64' machine='pc-q35-9.2'>hvm</type>
                <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
              </os>
              <features>
                <acpi/><apic/>
                <hyperv mode='custom'><relaxed state='on'/><vendor_id state='on' value='0123456789ab'/></hyperv>
                <kvm><hidden state='on'/></kvm>
                <ioapic driver='kvm'/>
                <smm state='on'/>
              </features>
              <cpu mode='host-passthrough' check='none'>
                <model vendor_id='AuthenticAMD'>EPYC</model>
                <feature policy='disable' name='x2apic'/>
                <maxphysaddr mode='emulate' bits='42'/>
                <numa>
                  <cell id='0' cpus='0-3' memory='8' unit='GiB'/>
                  <cell id='1' cpus='4-7' memory='8388608'/>
                </numa>
              </cpu>
              <devices>
                <controller type='pci' index='0' model='pcie-root'><pcihole64 unit='GiB'>64</pcihole64></controller>
                <controller type='pci' index='1' model='pcie-root-port'>
                  <target chassis='1' port='0x10' hotplug='off'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>
                </controller>
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source><address domain='0x0000' bus='0x41' slot='0x00' function='0x1'/></source>
                  <alias name='ua-gpu0'/>
                  <rom bar='off'/>
                  <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0' multifunction='on'/>
                </hostdev>
                <hostdev mode='subsystem' type='usb'/>
                <memory model='dimm'><target><size unit='GiB'>4</size><node>0</node></target></memory>
                <iommu model='intel'><driver aw_bits='48' caching_mode='on' intremap='on'/></iommu>
                <video><model type='none'/></video>
              </devices>
              <sysinfo type='fwcfg'><entry name='opt/com.example/x'>v</entry></sysinfo>
              <qemu:commandline><qemu:arg value='-fw_cfg'/><qemu:arg value='name=opt/x,string=1'/></qemu:commandline>
              <qemu:override>
                <qemu:device alias='ua-gpu0'>
                  <qemu:frontend><qemu:property name='x-pci-sub-vendor-id' type='unsigned' value='4318'/></qemu:frontend>
                </qemu:device>
              </qemu:override>
            </domain>
            """;

    private static DomainDef build(String xml) throws XmlLoadException {
        return DomainBuilder.build(new SafeXmlLoader().load("d.xml", xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEveryPartRulesNeed() throws XmlLoadException {
        DomainDef domain = build(GPU_DOMAIN);
        assertEquals(Optional.of("kvm"), domain.type());
        assertEquals(Optional.of("pc-q35-9.2"), domain.os().machine());
        assertTrue(domain.os().usesUefi());
        assertEquals(Optional.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), domain.os().loader().flatMap(Loader::path));
        assertEquals(20L << 30, domain.memory().memory().orElseThrow().bytes());
        assertEquals(1024L << 30, domain.memory().maxMemory().orElseThrow().bytes());
        assertEquals(Optional.of(4), domain.memory().slots());
        assertTrue(domain.isWindowsByOsinfo());

        Cpu cpu = domain.cpu().orElseThrow();
        assertTrue(cpu.isHostPassthrough());
        assertEquals(Optional.of("EPYC"), cpu.model());
        assertEquals(Optional.of("AuthenticAMD"), cpu.modelVendorId());
        assertEquals("disable", cpu.feature("x2apic").orElseThrow().policy());
        assertEquals(Optional.of(42), cpu.maxPhysAddr().orElseThrow().bits());
        assertEquals(List.of(8L << 30, 8L << 30),
                cpu.numaCells().stream().map(c -> c.memory().orElseThrow().bytes()).toList());

        Features features = domain.features();
        assertTrue(features.kvmHidden());
        assertEquals(Optional.of("0123456789ab"), features.hyperv().orElseThrow().vendorIdValue());
        assertEquals(List.of("relaxed", "vendor_id"), features.hyperv().orElseThrow().enabled());
        assertEquals(Optional.of("kvm"), features.ioapicDriver());
        assertEquals(Optional.of("on"), features.smmState());
        assertTrue(features.acpi().isPresent());
    }

    @Test
    void readsControllersHostdevsAndDevices() throws XmlLoadException {
        DomainDef domain = build(GPU_DOMAIN);
        Controller root = domain.rootPciController().orElseThrow();
        assertEquals(64L << 30, root.pciHole64().orElseThrow().bytes());
        Controller port = domain.pciController(1).orElseThrow();
        assertTrue(port.isRootPort());
        assertEquals(Optional.of(16), port.port());
        assertEquals(Optional.of("off"), port.hotplug());
        assertTrue(port.address().orElseThrow().multifunction());

        assertEquals(2, domain.hostdevs().size());
        Hostdev gpu = domain.pciHostdevs().get(0);
        assertEquals(1, domain.pciHostdevs().size());
        assertEquals("0000:41:00.1", gpu.source().orElseThrow().bdf());
        assertEquals(new PciAddress(0, 1, 0, 0), gpu.guestAddress().orElseThrow().address());
        assertEquals(Optional.of("ua-gpu0"), gpu.alias());
        assertEquals(Optional.of("off"), gpu.rom().orElseThrow().bar());
        assertEquals(Optional.of("yes"), gpu.managed());

        MemoryDevice dimm = domain.memoryDevices().get(0);
        assertTrue(dimm.isDimmLike());
        assertEquals(4L << 30, dimm.size().orElseThrow().bytes());
        assertEquals(Optional.of(0), dimm.node());

        Iommu iommu = domain.iommus().get(0);
        assertEquals("intel", iommu.model());
        assertEquals(Optional.of(48), iommu.awBits());
        assertEquals(Optional.of("on"), iommu.cachingMode());

        assertEquals("opt/com.example/x", domain.fwCfgEntries().get(0).name());
        assertEquals(List.of("-fw_cfg", "name=opt/x,string=1"),
                domain.honouredQemuArgs().stream().map(QemuArg::value).toList());
        QemuDeviceOverride override = domain.honouredDeviceOverrides().get(0);
        assertEquals("ua-gpu0", override.alias());
        assertEquals("x-pci-sub-vendor-id", override.properties().get(0).name());
        assertTrue(domain.problems().isEmpty(), domain.problems().toString());
    }

    @Test
    void qemuBlocksOutsideTheNamespaceAreKeptButNotHonoured() throws XmlLoadException {
        DomainDef domain = build("""
                <domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0/'>
                  <qemu:commandline><qemu:arg value='-a'/></qemu:commandline>
                  <commandline><arg value='-b'/></commandline>
                </domain>""");
        assertEquals(List.of(QemuBlock.Binding.OTHER_NAMESPACE, QemuBlock.Binding.NO_NAMESPACE),
                domain.qemuBlocks().stream().map(QemuBlock::binding).toList());
        assertTrue(domain.honouredQemuArgs().isEmpty());
        assertEquals("-b", domain.qemuBlocks().get(1).args().get(0).value());
    }

    @Test
    void unknownElementsAreKeptAndBadValuesBecomeProblems() throws XmlLoadException {
        DomainDef domain = build("""
                <domain type='kvm'>
                  <memory unit='GiBs'>16</memory>
                  <frobnicate level='11'/>
                  <devices>
                    <controller type='pci' index='x' model='pcie-root-port'/>
                    <hostdev mode='subsystem' type='pci'><source><address bus='0x1ff'/></source></hostdev>
                  </devices>
                </domain>""");
        assertFalse(domain.memory().memory().isPresent());
        assertEquals(3, domain.problems().size(), domain.problems().toString());
        assertTrue(domain.root().child("frobnicate").isPresent());
        assertTrue(domain.pciHostdevs().get(0).source().isEmpty());
    }

    @Test
    void addressComponentsParseLikeLibvirt() throws XmlLoadException {
        DomainDef domain = build("""
                <domain><devices><hostdev mode='subsystem' type='pci'>
                  <source><address domain='0' bus='10' slot='0x1f' function='07'/></source>
                </hostdev></devices></domain>""");
        assertEquals(new PciAddress(0, 10, 31, 7), domain.pciHostdevs().get(0).source().orElseThrow());
    }
}
