package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.LibvirtSnapshot.Answers;
import dev.virtlint.host.RemoteCapture.Fact;
import dev.virtlint.support.ProjectPaths;

/** Snapshots built from recorded libvirt answers ({@code testdata/libvirt/}), read back with the host-root reader. */
class LibvirtSnapshotTest {
    private static final String URI = "qemu+ssh://hv02/system";

    private static Answers recorded(String host) throws IOException {
        Path dir = ProjectPaths.testdata().resolve("libvirt").resolve(host);
        List<String> devices = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("nodedev-")).sorted().toList()) {
                devices.add(Files.readString(file));
            }
        }
        return new Answers(URI, Files.readString(dir.resolve("capabilities.xml")), Optional.of(devices),
                Optional.of("10.0.2"), Optional.of("11.3.0"), List.of());
    }

    private static PciAddress bdf(String text) {
        return HostFormats.bdf(text).orElseThrow();
    }

    private static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).map(file -> dir.relativize(file).toString()).sorted().toList();
        }
    }

    @Test
    void recordedAmdHostWritesOnlyWhatLibvirtReported(@TempDir Path dir) throws Exception {
        HostSnapshot.Result result = LibvirtSnapshot.write(recorded("qemu-amd-no-iommu"), dir.resolve("hv02"),
                false);

        assertEquals(List.of(), result.warnings());
        Path snap = result.outDir();
        assertEquals(List.of("proc/cpuinfo", "sys/bus/pci/devices/0000:00:00.0/class",
                "sys/bus/pci/devices/0000:00:00.0/device", "sys/bus/pci/devices/0000:00:00.0/vendor",
                "sys/bus/pci/devices/0000:00:03.0/class", "sys/bus/pci/devices/0000:00:03.0/device",
                "sys/bus/pci/devices/0000:00:03.0/vendor", "sys/kernel/iommu_groups/" + HostSnapshot.KEEP,
                RemoteCapture.FILE, SnapshotWriter.MANIFEST, StackDetector.STACK_FILE), filesUnder(snap));
        assertEquals("vendor_id\t: AuthenticAMD\naddress sizes\t: 48 bits physical\n",
                Files.readString(snap.resolve("proc/cpuinfo")));
        assertEquals(result.filesWritten() + 1, filesUnder(snap).size(), "the capture's files and its manifest");

        HostFacts facts = HostRootReader.read(snap);
        assertEquals(List.of(), facts.warnings());
        assertEquals(Optional.of(CpuVendor.AMD), facts.cpuVendor());
        assertEquals(Optional.of(48), facts.physBits());
        CpuInfo cpu = facts.cpu().orElseThrow();
        assertEquals(Optional.empty(), cpu.virtBits());
        assertEquals(Optional.empty(), cpu.modelName());
        assertEquals(Optional.empty(), cpu.gigabytePages(), "libvirt's feature list is not /proc/cpuinfo's flags");
        assertEquals(Optional.of(false), facts.iommuEnabled(), "<iommu support='no'/>");
        assertEquals(Optional.empty(), facts.iommuAddressWidth());
        assertEquals(Optional.empty(), facts.amdHtHoleReserved());
        assertEquals(Optional.empty(), facts.battery());
        assertEquals(List.of(), facts.kvmModules());
        assertEquals(Optional.empty(), facts.firmware());

        PciDevice nic = facts.pciDevice(bdf("0000:00:03.0")).orElseThrow();
        assertEquals(new PciDevice(bdf("0000:00:03.0"), Optional.of(0x1af4), Optional.of(0x1041), Optional.empty(),
                Optional.empty(), Optional.of(0x020000), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()), nic);
        assertEquals(2, facts.pciDevices().orElseThrow().size());

        RemoteCapture capture = facts.remoteCapture().orElseThrow();
        assertEquals(URI, capture.connection());
        assertFalse(capture.missing().containsKey(Fact.CPU_VENDOR));
        assertFalse(capture.missing().containsKey(Fact.CPU_PHYS_BITS));
        assertFalse(capture.missing().containsKey(Fact.PCI_DEVICES));
        assertFalse(capture.missing().containsKey(Fact.IOMMU_GROUPS));
        for (Fact fact : List.of(Fact.CPU_FLAGS, Fact.CPU_VIRT_BITS, Fact.KVM, Fact.IOMMU_UNITS,
                Fact.RESERVED_REGIONS, Fact.BATTERY, Fact.PCI_RESOURCES, Fact.FIRMWARE, Fact.OVMF)) {
            assertTrue(capture.whyMissing(fact).orElseThrow().startsWith("captured remotely from " + URI
                    + ": libvirt does not report"), fact.key());
        }

        DetectedStack stack = new StackDetector().detect(snap, facts);
        assertEquals(Optional.of("10.0.2"), stack.qemu());
        assertEquals(Optional.of("11.3.0"), stack.libvirt());
        assertEquals(Optional.empty(), stack.ovmf());
    }

    /** The facts libvirt reports agree with the sysfs capture of the same host; the others stay unknown. */
    @Test
    void iommuGroupsComeFromTheNodeDevicesAndMatchTheSysfsCapture(@TempDir Path dir) throws Exception {
        Path snap = LibvirtSnapshot.write(recorded("intel-desktop-39bit"), dir, false).outDir();

        HostFacts remote = HostRootReader.read(snap);
        HostFacts sysfs = HostRootReader.read(HostRootReaderTest.host("intel-desktop-39bit"));
        assertEquals(List.of(), remote.warnings());
        assertEquals(sysfs.cpuVendor(), remote.cpuVendor());
        assertEquals(sysfs.physBits(), remote.physBits());
        assertEquals(Optional.of(true), remote.iommuEnabled());
        assertEquals(List.of(bdf("0000:00:01.0"), bdf("0000:01:00.0"), bdf("0000:01:00.1")),
                remote.iommuGroup(2).orElseThrow().pciDevices());
        assertEquals(Optional.empty(), remote.iommuGroup(2).orElseThrow().reservedRegions());
        for (PciDevice device : remote.pciDevices().orElseThrow()) {
            PciDevice captured = sysfs.pciDevice(device.address()).orElseThrow();
            assertEquals(captured.vendor(), device.vendor());
            assertEquals(captured.device(), device.device());
            assertEquals(captured.classCode(), device.classCode());
            assertEquals(captured.iommuGroup(), device.iommuGroup());
            assertEquals(sysfs.iommuGroupPeers(device.address()), remote.iommuGroupPeers(device.address()));
            assertEquals(Optional.empty(), device.subsystemVendor());
            assertEquals(Optional.empty(), device.resources(), "BARs are sysfs-only");
        }
        assertEquals(Optional.empty(), remote.iommuAddressWidth(), "the sysfs capture knows 39; libvirt does not");
    }

    @Test
    void aCapabilitiesWithoutHostCpuLeavesTheCpuUnknownWithTheReason(@TempDir Path dir) throws Exception {
        Answers answers = new Answers("test:///default",
                "<capabilities><host><cpu><arch>i686</arch></cpu></host></capabilities>", Optional.of(List.of()),
                Optional.empty(), Optional.of("11.3.0"), List.of());

        Path snap = LibvirtSnapshot.write(answers, dir, false).outDir();

        assertFalse(Files.exists(snap.resolve("proc/cpuinfo")), "nothing to write: no vendor, no bits");
        HostFacts facts = HostRootReader.read(snap);
        assertEquals(Optional.empty(), facts.cpu());
        assertEquals(Optional.of(List.of()), facts.pciDevices(), "libvirt listed no PCI devices");
        RemoteCapture capture = facts.remoteCapture().orElseThrow();
        assertEquals("libvirt's capabilities name no host CPU vendor", capture.missing().get(Fact.CPU_VENDOR));
        assertEquals("libvirt's capabilities give no <maxphysaddr> for the host CPU",
                capture.missing().get(Fact.CPU_PHYS_BITS));
        assertEquals("libvirt reports neither whether the host has an IOMMU nor any IOMMU group",
                capture.missing().get(Fact.IOMMU_GROUPS));
        assertEquals("the connection's hypervisor is not QEMU", capture.missing().get(Fact.QEMU));
        assertEquals(Optional.empty(), new StackDetector().detect(snap, facts).qemu());
    }

    @Test
    void nodeDevicesLibvirtCouldNotListAreMissingWithItsError(@TempDir Path dir) throws Exception {
        Answers recorded = recorded("intel-desktop-39bit");
        String error = "cannot list the PCI devices of " + URI + ": Failed to connect socket to"
                + " '/var/run/libvirt/virtnodedevd-sock-ro': No such file or directory";
        Answers failed = new Answers(URI, recorded.capabilitiesXml(), Optional.empty(),
                recorded.qemuVersion(), recorded.libvirtVersion(),
                List.of(new HostWarning("nodedev-list --cap pci", error)));

        HostSnapshot.Result result = LibvirtSnapshot.write(failed, dir, false);

        assertEquals(1, result.warnings().size());
        HostFacts facts = HostRootReader.read(result.outDir());
        assertEquals(Optional.empty(), facts.pciDevices());
        assertEquals(Optional.empty(), facts.iommuGroups(), "<iommu support='yes'/> but no group is known");
        assertEquals(error, facts.remoteCapture().orElseThrow().missing().get(Fact.PCI_DEVICES));
        assertEquals(error, facts.remoteCapture().orElseThrow().missing().get(Fact.IOMMU_GROUPS));
    }

    @Test
    void oneUnreadableNodeDeviceLeavesThePciDevicesUnknownRatherThanHalfListed(@TempDir Path dir) throws Exception {
        Answers recorded = recorded("qemu-amd-no-iommu");
        List<String> devices = new ArrayList<>(recorded.pciDevicesXml().orElseThrow());
        devices.add(devices.get(0).replace("<bus>0</bus>", "<bus>256</bus>"));
        Answers broken = new Answers(URI, recorded.capabilitiesXml(), Optional.of(devices),
                recorded.qemuVersion(), recorded.libvirtVersion(), List.of());

        HostSnapshot.Result result = LibvirtSnapshot.write(broken, dir, false);

        assertEquals(1, result.warnings().size());
        assertTrue(result.warnings().get(0).message().contains("bus '256' is not a number from 0 to 255"),
                result.warnings().get(0).message());
        HostFacts facts = HostRootReader.read(result.outDir());
        assertEquals(Optional.empty(), facts.pciDevices());
        assertEquals(Optional.of(false), facts.iommuEnabled(), "the capabilities still say there is no IOMMU");
    }

    @Test
    void unreadableCapabilitiesWriteNothing(@TempDir Path dir) throws Exception {
        Answers recorded = recorded("qemu-amd-no-iommu");
        Answers broken = new Answers(URI, "<capabilities><host>", recorded.pciDevicesXml(),
                recorded.qemuVersion(), recorded.libvirtVersion(), List.of());
        Path out = dir.resolve("hv02");

        HostSnapshot.SnapshotException error = assertThrows(HostSnapshot.SnapshotException.class,
                () -> LibvirtSnapshot.write(broken, out, false));

        assertTrue(error.getMessage().startsWith("libvirt returned unreadable capabilities XML"), error.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void refusesAnOutputDirectoryThatIsNotEmpty(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("precious.txt"), "keep me");
        HostSnapshot.SnapshotException error = assertThrows(HostSnapshot.SnapshotException.class,
                () -> LibvirtSnapshot.write(recorded("qemu-amd-no-iommu"), out, false));
        assertTrue(error.getMessage().contains("--force"), error.getMessage());
        assertEquals(List.of("precious.txt"), filesUnder(out));
    }

    @Test
    void aSnapshotOfARemoteCaptureKeepsItsReasons(@TempDir Path dir) throws Exception {
        Path remote = LibvirtSnapshot.write(recorded("intel-desktop-39bit"), dir.resolve("remote"), false)
                .outDir();
        HostFacts facts = HostRootReader.read(remote);
        DetectedStack stack = new StackDetector().detect(remote, facts);

        Path copy = HostSnapshot.capture(remote, dir.resolve("copy"), false, stack).outDir();

        assertEquals(facts, HostRootReader.read(copy));
        assertEquals(filesUnder(remote), filesUnder(copy));
    }

    @Test
    void capturingTheSameAnswersTwiceGivesTheSameBytes(@TempDir Path dir) throws Exception {
        Path first = LibvirtSnapshot.write(recorded("intel-desktop-39bit"), dir.resolve("a"), false).outDir();
        Path second = LibvirtSnapshot.write(recorded("intel-desktop-39bit"), dir.resolve("b"), false).outDir();
        for (String file : filesUnder(first)) {
            assertEquals(Files.readString(first.resolve(file)), Files.readString(second.resolve(file)), file);
        }
        assertEquals("connection=qemu+ssh\\://hv02/system",
                Files.readAllLines(first.resolve(RemoteCapture.FILE)).get(1));
    }

    @Test
    void libvirtVersionsAreDecoded() {
        assertEquals("11.3.0", LibvirtConnection.version(11_003_000));
        assertEquals("10.0.2", LibvirtConnection.version(10_000_002));
    }
}
