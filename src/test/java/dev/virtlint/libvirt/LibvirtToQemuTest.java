package dev.virtlint.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.xml.SafeXmlLoader;

/** The libvirt rules for the initial RAM and the CPU arguments, case by case (the corpus test covers breadth). */
class LibvirtToQemuTest {
    private static final long MIB = MemorySize.MIB;
    private static final long GIB = MemorySize.GIB;

    private static QemuInputs map(String inner) throws Exception {
        String xml = "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>" + inner + "</domain>";
        return LibvirtToQemu.map(DomainBuilder.build(new SafeXmlLoader().load("d.xml",
                xml.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void withNumaTheInitialRamIsTheSumOfTheCellsEachRoundedToAMebibyte() throws Exception {
        QemuInputs inputs = map("<memory unit='GiB'>64</memory><cpu><numa>"
                + "<cell id='0' cpus='0' memory='1000' unit='KiB'/><cell id='1' cpus='1' memory='3' unit='GiB'/>"
                + "</numa></cpu>");
        assertEquals(OptionalLong.of(MIB + 3 * GIB), inputs.initialRamBytes());
    }

    @Test
    void withoutNumaDimmsAreSubtractedAndTheRestRoundedUp() throws Exception {
        QemuInputs inputs = map("<memory unit='KiB'>8389632</memory><devices>"
                + "<memory model='dimm'><target><size unit='MiB'>1023</size><node>0</node></target></memory>"
                + "</devices>");
        // 8389632 KiB = 8 GiB + 1 MiB; the DIMM rounds up to 1024 MiB before it is subtracted.
        assertEquals(OptionalLong.of(7 * GIB + MIB), inputs.initialRamBytes());
    }

    @Test
    void decimalUnitsRoundUpToWholeMebibytes() throws Exception {
        assertEquals(OptionalLong.of(3906560L * 1024), map("<memory unit='GB'>4</memory>").initialRamBytes());
        assertEquals(OptionalLong.of(MIB), map("<memory unit='b'>4</memory>").initialRamBytes());
    }

    @Test
    void hotplugValuesPassThrough() throws Exception {
        QemuInputs inputs = map("<maxMemory slots='4' unit='TiB'>1</maxMemory><memory unit='GiB'>16</memory>"
                + "<cpu><numa><cell id='0' cpus='0' memory='16' unit='GiB'/></numa></cpu>");
        assertEquals(OptionalLong.of(1L << 40), inputs.maxMemBytes());
        assertEquals(OptionalInt.of(4), inputs.slots());
    }

    @Test
    void cpuModesMapToTheirQemuModels() throws Exception {
        assertEquals(Optional.of("qemu64"), map("<memory>1</memory>").cpuModel());
        assertEquals(Optional.of("host"), map("<cpu mode='host-passthrough'/>").cpuModel());
        assertEquals(Optional.of("max"), map("<cpu mode='maximum'/>").cpuModel());
        assertEquals(Optional.empty(), map("<cpu mode='host-model'/>").cpuModel());
        assertEquals(Optional.of("486"), map("<os><type machine='isapc'>hvm</type></os>").cpuModel());
        assertEquals(Optional.of("EPYC"), map("<cpu><model vendor_id='GenuineIntel'>EPYC</model></cpu>").cpuModel());
        assertEquals(Optional.of("GenuineIntel"),
                map("<cpu><model vendor_id='GenuineIntel'>EPYC</model></cpu>").vendorOverride());
    }

    @Test
    void maxphysaddrFormsMapToCpuProperties() throws Exception {
        PhysBitsRequest emulate = map("<cpu><maxphysaddr mode='emulate' bits='42'/></cpu>").physBits();
        assertEquals(OptionalInt.of(42), emulate.physBits());
        PhysBitsRequest limit = map("<cpu mode='host-passthrough'><maxphysaddr mode='passthrough' limit='39'/></cpu>")
                .physBits();
        assertEquals(Optional.of(true), limit.hostPhysBits());
        assertEquals(OptionalInt.of(39), limit.hostPhysBitsLimit());
        assertEquals(Optional.of(false), map("<cpu><maxphysaddr mode='emulate'/></cpu>").physBits().hostPhysBits());
    }

    @Test
    void qemuCommandlineOverridesWinLikeTheyDoInQemu() throws Exception {
        QemuInputs cpu = map("<cpu><model>EPYC</model></cpu><qemu:commandline><qemu:arg value='-cpu'/>"
                + "<qemu:arg value='host,kvm=off,host-phys-bits=on,host-phys-bits-limit=44'/></qemu:commandline>");
        assertEquals(Optional.of("host"), cpu.cpuModel());
        assertEquals(OptionalInt.of(44), cpu.physBits().hostPhysBitsLimit());
        QemuInputs global = map("<cpu><model>EPYC</model></cpu><qemu:commandline><qemu:arg value='-global'/>"
                + "<qemu:arg value='EPYC-x86_64-cpu.phys-bits=46'/><qemu:arg value='-global'/>"
                + "<qemu:arg value='q35-pcihost.pci-hole64-size=64G'/></qemu:commandline>");
        assertEquals(OptionalInt.of(46), global.physBits().physBits());
        assertEquals(OptionalLong.of(64 * GIB), global.pciHole64Bytes());
        assertEquals(2, global.overrides().size());
        QemuInputs otherModel = map("<cpu><model>EPYC</model></cpu><qemu:commandline><qemu:arg value='-global'/>"
                + "<qemu:arg value='Skylake-Client-x86_64-cpu.phys-bits=46'/></qemu:commandline>");
        assertTrue(otherModel.physBits().physBits().isEmpty(), "a -global for another model does not apply");
    }

    @Test
    void anOverflowingInitialRamIsUnknownNotWrapped() throws Exception {
        assertEquals(OptionalLong.empty(), map("<cpu><numa><cell id='0' memory='7' unit='EiB'/>"
                + "<cell id='1' memory='7' unit='EiB'/></numa></cpu>").initialRamBytes());
    }
}
