package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.domain.PciAddress;
import dev.virtlint.support.ProjectPaths;

class HostRootReaderTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    static Path host(String name) {
        return ProjectPaths.testdata().resolve("hosts").resolve(name);
    }

    private static PciAddress bdf(String text) {
        return HostFormats.bdf(text).orElseThrow();
    }

    @Test
    void amdEpycWithTwoLargeBarGpus() {
        HostFacts facts = HostRootReader.read(host("amd-epyc-2gpu"));
        assertEquals(List.of(), facts.warnings());
        assertEquals(Optional.of(CpuVendor.AMD), facts.cpuVendor());
        assertEquals(Optional.of(48), facts.physBits());
        assertEquals(Optional.of(true), facts.cpu().orElseThrow().gigabytePages());
        assertEquals(Optional.of(true), facts.cpu().orElseThrow().hasFlag("svm"));
        assertEquals(4, facts.iommuUnits().orElseThrow().size());
        assertTrue(facts.iommuUnits().orElseThrow().stream().allMatch(unit -> unit instanceof AmdIommu));
        assertEquals(Optional.of(64), facts.iommuAddressWidth());
        assertEquals(Optional.of(true), facts.iommuEnabled());
        assertEquals(Optional.of(true), facts.amdHtHoleReserved());
        assertEquals(Optional.of(false), facts.battery());
        assertEquals(List.of(new KvmModule("kvm_amd", "npt", Optional.of(true))), facts.kvmModules());
        assertEquals(3, facts.firmware().orElseThrow().size());

        PciDevice a100 = facts.pciDevice(bdf("0000:41:00.0")).orElseThrow();
        assertEquals(Optional.of(0x10de), a100.vendor());
        assertEquals(Optional.of(0x20f1), a100.device());
        assertEquals(Optional.of(0x10de), a100.subsystemVendor());
        assertEquals(Optional.of(0x145f), a100.subsystemDevice());
        assertEquals(Optional.of(0x030200), a100.classCode());
        assertTrue(a100.isDisplayController());
        PciResource bar1 = a100.bar(1).orElseThrow();
        assertEquals(0x20000000000L, bar1.start());
        assertEquals(64 * GIB, bar1.size());
        assertTrue(bar1.is64Bit());
        assertTrue(bar1.prefetchable());
        assertEquals(Optional.of(bar1), a100.largestMemoryBar());
        assertEquals(List.of(0, 1, 3), a100.bars().orElseThrow().stream().map(PciResource::index).toList());
        assertEquals(16 * MIB, a100.bar(0).orElseThrow().size());
        assertFalse(a100.bar(0).orElseThrow().is64Bit());
        assertEquals(512 * 1024, a100.rom().orElseThrow().size());
        assertEquals(Optional.of(4), a100.iommuGroup());
        assertEquals(Optional.of(List.of()), facts.iommuGroupPeers(a100.address()));

        PciDevice h100 = facts.pciDevice(bdf("0000:c1:00.0")).orElseThrow();
        assertEquals(Optional.of(0x2331), h100.device());
        assertEquals(128 * GIB, h100.largestMemoryBar().orElseThrow().size());
        assertEquals(1, h100.largestMemoryBar().orElseThrow().index());

        PciDevice iommuFunction = facts.pciDevice(bdf("0000:00:00.2")).orElseThrow();
        assertEquals(Optional.empty(), iommuFunction.iommuGroup());
        assertEquals(Optional.empty(), facts.iommuGroupPeers(iommuFunction.address()));
        assertEquals(Optional.of(List.of()), iommuFunction.bars());
        assertEquals(Optional.of(List.of(bdf("0000:00:14.3"))), facts.iommuGroupPeers(bdf("0000:00:14.0")));
    }

    @Test
    void intelDesktopWith39BitsAndAGpuGroupedWithItsAudio() {
        HostFacts facts = HostRootReader.read(host("intel-desktop-39bit"));
        assertEquals(List.of(), facts.warnings());
        assertEquals(Optional.of(CpuVendor.INTEL), facts.cpuVendor());
        assertEquals(Optional.of(39), facts.physBits());
        assertEquals(Optional.of(48), facts.cpu().orElseThrow().virtBits());
        assertEquals(Optional.of(39), facts.iommuAddressWidth());
        List<IommuUnit> units = facts.iommuUnits().orElseThrow();
        assertEquals(List.of("dmar0", "dmar1"), units.stream().map(IommuUnit::name).toList());
        IntelIommu dmar1 = (IntelIommu) units.get(1);
        assertEquals(39, dmar1.mgaw());
        assertEquals(List.of(48), dmar1.sagawWidths());
        assertEquals(Optional.of(false), facts.amdHtHoleReserved());
        assertEquals(Optional.of(false), facts.battery());
        assertEquals(List.of(new KvmModule("kvm_intel", "ept", Optional.of(true))), facts.kvmModules());

        PciDevice gpu = facts.pciDevice(bdf("0000:01:00.0")).orElseThrow();
        assertEquals(Optional.of(0x2204), gpu.device());
        assertEquals(Optional.of(0x1458), gpu.subsystemVendor());
        assertEquals(Optional.of(0x030000), gpu.classCode());
        PciResource bar1 = gpu.bar(1).orElseThrow();
        assertEquals(256 * MIB, bar1.size());
        assertEquals(0xc0000000L, bar1.start());
        assertTrue(bar1.is64Bit());
        assertTrue(bar1.prefetchable());
        assertTrue(gpu.bar(5).orElseThrow().isIo());
        assertEquals(Optional.of(2), gpu.iommuGroup());
        assertEquals(Optional.of(List.of(bdf("0000:00:01.0"), bdf("0000:01:00.1"))),
                facts.iommuGroupPeers(gpu.address()));
        PciDevice audio = facts.pciDevice(bdf("0000:01:00.1")).orElseThrow();
        assertTrue(audio.isHdAudio());
        assertEquals(Optional.of(2), audio.iommuGroup());

        IommuGroup usb = facts.iommuGroup(3).orElseThrow();
        assertEquals(List.of("direct-relaxable", "msi"),
                usb.reservedRegions().orElseThrow().stream().map(ReservedRegion::type).toList());
    }

    @Test
    void optimusLaptop() {
        HostFacts facts = HostRootReader.read(host("optimus-laptop"));
        assertEquals(List.of(), facts.warnings());
        assertEquals(Optional.of(true), facts.battery());
        assertEquals(Optional.of(true), facts.laptop());
        assertEquals(Optional.of(CpuVendor.INTEL), facts.cpuVendor());
        assertEquals(Optional.of(39), facts.iommuAddressWidth());
        PciDevice dgpu = facts.pciDevice(bdf("0000:01:00.0")).orElseThrow();
        assertEquals(Optional.of(0x030200), dgpu.classCode());
        assertEquals(Optional.of(0x17aa), dgpu.subsystemVendor());
        assertEquals(Optional.of(0x3a43), dgpu.subsystemDevice());
        assertEquals(Optional.empty(), dgpu.rom());
        assertEquals(256 * MIB, dgpu.largestMemoryBar().orElseThrow().size());
        assertEquals(Optional.of(List.of(bdf("0000:00:01.0"))), facts.iommuGroupPeers(dgpu.address()));
    }

    @Test
    void anEmptyRootHasNoFactsAndNoWarnings(@TempDir Path root) {
        HostFacts facts = HostRootReader.read(root);
        assertEquals(new HostFacts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), KernelIommu.UNKNOWN,
                QemuProcess.UNKNOWN, RomFiles.onRoot(root, List::of), Optional.empty(), List.of()), facts);
        assertEquals(Optional.empty(), facts.iommuAddressWidth());
        assertEquals(Optional.empty(), facts.amdHtHoleReserved());
        assertEquals(Optional.empty(), facts.iommuEnabled());
    }

    @Test
    void aRootThatDoesNotExistDoesNotThrow(@TempDir Path dir) {
        HostFacts facts = HostRootReader.read(dir.resolve("missing"));
        assertEquals(Optional.empty(), facts.cpu());
        assertEquals(List.of(), facts.warnings());
    }

    @Test
    void malformedFilesBecomeWarningsWithTheirPaths(@TempDir Path root) throws IOException {
        write(root, "proc/cpuinfo", "vendor_id\t: AuthenticAMD\naddress sizes\t: lots\n");
        String dev = "sys/bus/pci/devices/0000:01:00.0/";
        write(root, dev + "vendor", "nvidia\n");
        write(root, dev + "device", "0x2204\n");
        write(root, dev + "class", "0x030000\n");
        write(root, dev + "resource", "0x1 0x2\n");
        write(root, dev + "iommu_group", "seven\n");
        write(root, "sys/bus/pci/devices/not-a-bdf/vendor", "0x10de\n");
        write(root, "sys/kernel/iommu_groups/7/reserved_regions", "garbage\n");
        write(root, "sys/kernel/iommu_groups/x/reserved_regions", "");
        write(root, "sys/class/iommu/dmar0/intel-iommu/cap", "zz\n");
        Files.createDirectories(root.resolve("sys/class/iommu/dmar1/intel-iommu"));
        write(root, "sys/class/iommu/ivhd0/amd-iommu/features", "1:2:3\n");
        write(root, "sys/module/kvm_amd/parameters/npt", "perhaps\n");
        write(root, "usr/share/qemu/firmware/10-bad.json", "{");
        write(root, "usr/share/qemu/firmware/README", "not a descriptor");
        Files.createDirectories(root.resolve("sys/class/power_supply"));

        HostFacts facts = HostRootReader.read(root);

        assertEquals(Optional.of(CpuVendor.AMD), facts.cpuVendor());
        assertEquals(Optional.empty(), facts.physBits());
        PciDevice device = facts.pciDevices().orElseThrow().get(0);
        assertEquals(Optional.empty(), device.vendor());
        assertEquals(Optional.of(0x2204), device.device());
        assertEquals(Optional.empty(), device.resources());
        assertEquals(Optional.empty(), device.bars());
        assertEquals(Optional.empty(), device.iommuGroup());
        assertEquals(1, facts.pciDevices().orElseThrow().size());
        assertEquals(Optional.of(List.of()), facts.iommuUnits().map(units -> units.stream()
                .filter(unit -> unit instanceof IntelIommu).toList()));
        assertEquals(Optional.empty(), facts.iommuAddressWidth());
        assertEquals(Optional.of(false), facts.battery());
        assertEquals(List.of(new KvmModule("kvm_amd", "npt", Optional.empty())), facts.kvmModules());
        assertEquals(Optional.of(List.of()), facts.firmware());
        assertEquals(Optional.empty(), facts.amdHtHoleReserved());

        List<String> paths = facts.warnings().stream().map(HostWarning::path).toList();
        assertEquals(List.of(
                "proc/cpuinfo",
                "sys/class/iommu/dmar0/intel-iommu/cap",
                "sys/class/iommu/dmar1/intel-iommu/cap",
                "sys/class/iommu/ivhd0/amd-iommu/features",
                "sys/kernel/iommu_groups/7/reserved_regions",
                "sys/kernel/iommu_groups/x",
                dev + "vendor",
                dev + "resource",
                dev + "iommu_group",
                "sys/bus/pci/devices/not-a-bdf",
                "sys/module/kvm_amd/parameters/npt",
                "usr/share/qemu/firmware/10-bad.json"), paths, facts.warnings().toString());
        for (HostWarning warning : facts.warnings()) {
            assertFalse(warning.message().isBlank());
            assertFalse(warning.message().contains("\n"), warning.message());
        }
    }

    @Test
    void devicesAndHugeFilesAreNotRead(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("proc"));
        Files.createSymbolicLink(root.resolve("proc/cpuinfo"), Path.of("/dev/zero"));
        write(root, "sys/bus/pci/devices/0000:01:00.0/resource", "0".repeat(RootFiles.MAX_BYTES + 1));
        HostFacts facts = HostRootReader.read(root);
        assertEquals(Optional.empty(), facts.cpu());
        assertEquals(List.of(
                new HostWarning("proc/cpuinfo", "is not a regular file (a device or a pipe?); not read"),
                new HostWarning("sys/bus/pci/devices/0000:01:00.0/resource",
                        "larger than " + RootFiles.MAX_BYTES + " bytes; ignored")), facts.warnings());
    }

    @Test
    void iommuGroupAsALiveSysfsLink(@TempDir Path root) throws IOException {
        String dev = "sys/bus/pci/devices/0000:01:00.0";
        Files.createDirectories(root.resolve(dev));
        Files.createDirectories(root.resolve("sys/kernel/iommu_groups/12/devices"));
        Files.createSymbolicLink(root.resolve(dev + "/iommu_group"), Path.of("../../../kernel/iommu_groups/12"));
        Files.createSymbolicLink(root.resolve("sys/kernel/iommu_groups/12/devices/0000:01:00.0"),
                Path.of("../../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0"));
        HostFacts facts = HostRootReader.read(root);
        assertEquals(List.of(), facts.warnings());
        assertEquals(Optional.of(12), facts.pciDevice(bdf("0000:01:00.0")).orElseThrow().iommuGroup());
        assertEquals(List.of(bdf("0000:01:00.0")), facts.iommuGroup(12).orElseThrow().pciDevices());
        assertEquals(Optional.empty(), facts.iommuGroup(12).orElseThrow().reservedRegions());
    }

    @Test
    void iommuGroupCopiedThroughTheLinkIsAWarning(@TempDir Path root) throws IOException {
        String dev = "sys/bus/pci/devices/0000:01:00.0";
        Files.createDirectories(root.resolve(dev + "/iommu_group/devices"));
        HostFacts facts = HostRootReader.read(root);
        assertEquals(1, facts.warnings().size());
        assertEquals(dev + "/iommu_group", facts.warnings().get(0).path());
        assertTrue(facts.warnings().get(0).message().contains("is a directory"));
    }

    @Test
    void groupPeersFallBackToDeviceLinksWhenTheGroupListIsMissing(@TempDir Path root) throws IOException {
        write(root, "sys/bus/pci/devices/0000:01:00.0/iommu_group", "3\n");
        write(root, "sys/bus/pci/devices/0000:01:00.1/iommu_group", "3\n");
        write(root, "sys/bus/pci/devices/0000:02:00.0/iommu_group", "4\n");
        HostFacts facts = HostRootReader.read(root);
        assertEquals(Optional.of(List.of(bdf("0000:01:00.1"))), facts.iommuGroupPeers(bdf("0000:01:00.0")));
        assertEquals(Optional.empty(), facts.iommuGroupPeers(bdf("0000:09:00.0")));
    }

    @Test
    void groupMembersThatAreNotPciFunctionsAreKeptByName(@TempDir Path root) throws IOException {
        write(root, "sys/kernel/iommu_groups/0/devices/AMDI0040:00", "");
        write(root, "sys/kernel/iommu_groups/0/devices/0000:00:14.0", "");
        IommuGroup group = HostRootReader.read(root).iommuGroup(0).orElseThrow();
        assertEquals(List.of(bdf("0000:00:14.0")), group.pciDevices());
        assertEquals(List.of("AMDI0040:00"), group.otherDevices());
    }

    @Test
    void batteriesThatAreAbsentOrNotBatteriesDoNotCount(@TempDir Path root) throws IOException {
        write(root, "sys/class/power_supply/BAT0/present", "0\n");
        write(root, "sys/class/power_supply/BAT1/type", "Mains\n");
        write(root, "sys/class/power_supply/AC/type", "Mains\n");
        assertEquals(Optional.of(false), HostRootReader.read(root).battery());
        write(root, "sys/class/power_supply/BAT2/type", "Battery\n");
        assertEquals(Optional.of(true), HostRootReader.read(root).battery());
    }

    @Test
    void anEmptyIommuGroupsDirectoryMeansTheIommuIsOff(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("sys/kernel/iommu_groups"));
        write(root, "sys/kernel/iommu_groups/.keep", "");
        HostFacts facts = HostRootReader.read(root);
        assertEquals(Optional.of(false), facts.iommuEnabled());
        assertEquals(List.of(), facts.warnings());
    }

    @Test
    void theLiveHostCanBeReadWithoutErrors() {
        HostFacts facts = HostRootReader.read(Path.of("/"));
        assertTrue(facts.cpuVendor().isPresent(), () -> "no CPU vendor; warnings: " + facts.warnings());
    }

    static void write(Path root, String relative, String text) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
