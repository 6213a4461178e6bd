package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostSnapshotTest {
    private static final DetectedStack NO_STACK =
            new DetectedStack(Optional.empty(), Optional.empty(), Optional.empty(), List.of());

    @ParameterizedTest
    @ValueSource(strings = {"amd-epyc-2gpu", "intel-desktop-39bit", "optimus-laptop", "amd-desktop-shared-group",
        "amd-desktop-vfio-ready", "intel-desktop-efifb", "intel-desktop-no-intremap", "intel-desktop-46bit",
        "vm-no-iommu"})
    void snapshotOfATestdataHostReadsBackTheSameFacts(String name, @TempDir Path out) throws Exception {
        Path root = HostRootReaderTest.host(name);
        HostFacts facts = HostRootReader.read(root);
        DetectedStack stack = new StackDetector().detect(root, facts);

        HostSnapshot.Result result = HostSnapshot.capture(root, out.resolve("snap"), false, stack);

        assertEquals(List.of(), result.warnings());
        Path snap = result.outDir();
        assertEquals(facts, HostRootReader.read(snap));
        assertEquals(stack, new StackDetector().detect(snap, HostRootReader.read(snap)));
        List<String> files = new java.util.ArrayList<>(filesUnder(snap));
        assertTrue(files.remove(SnapshotWriter.MANIFEST));
        assertEquals(filesUnder(root), files, "the snapshot holds exactly the files of the capture");
        assertEquals(filesUnder(root), Files.readAllLines(snap.resolve(SnapshotWriter.MANIFEST)).stream()
                .filter(line -> !line.startsWith("#")).toList(), "the manifest lists them");
        for (String file : filesUnder(root)) {
            assertEquals(Files.readString(root.resolve(file)), Files.readString(snap.resolve(file)), file);
        }
    }

    @Test
    void linksOfALiveSysfsBecomePlainFilesWithTheSameMeaning(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Path device = root.resolve("sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0");
        HostRootReaderTest.write(device, "vendor", "0x10de\n");
        HostRootReaderTest.write(device, "resource", "0x00000000c0000000 0x00000000cfffffff 0x000000000014220c\n");
        HostRootReaderTest.write(root, "sys/kernel/iommu_groups/12/reserved_regions",
                "0x00000000fee00000 0x00000000feefffff msi\n");
        Files.createDirectories(root.resolve("sys/kernel/iommu_groups/12/devices"));
        Files.createSymbolicLink(root.resolve("sys/kernel/iommu_groups/12/devices/0000:01:00.0"),
                Path.of("../../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0"));
        Files.createSymbolicLink(device.resolve("iommu_group"), Path.of("../../../../kernel/iommu_groups/12"));
        Files.createDirectories(root.resolve("sys/bus/pci/devices"));
        Files.createSymbolicLink(root.resolve("sys/bus/pci/devices/0000:01:00.0"),
                Path.of("../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0"));
        Path unit = root.resolve("sys/devices/virtual/iommu/dmar0");
        HostRootReaderTest.write(unit, "intel-iommu/cap", "d2008c40660462\n");
        Files.createDirectories(root.resolve("sys/class/iommu"));
        Files.createSymbolicLink(root.resolve("sys/class/iommu/dmar0"), Path.of("../../devices/virtual/iommu/dmar0"));
        HostFacts live = HostRootReader.read(root);
        assertEquals(List.of(), live.warnings());
        assertEquals(Optional.of(12), live.pciDevices().orElseThrow().get(0).iommuGroup());

        Path snap = HostSnapshot.capture(root, dir.resolve("snap"), false, NO_STACK).outDir();

        assertEquals(live, HostRootReader.read(snap));
        assertEquals("12\n", Files.readString(snap.resolve("sys/bus/pci/devices/0000:01:00.0/iommu_group")));
        assertTrue(Files.isRegularFile(snap.resolve("sys/bus/pci/devices/0000:01:00.0/iommu_group"),
                LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isRegularFile(snap.resolve("sys/kernel/iommu_groups/12/devices/0000:01:00.0"),
                LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isDirectory(snap.resolve("sys/class/iommu/dmar0"), LinkOption.NOFOLLOW_LINKS));
        try (Stream<Path> all = Files.walk(snap)) {
            assertTrue(all.noneMatch(Files::isSymbolicLink), "no links in a snapshot");
        }
    }

    @Test
    void driverBindingResetAndConsoleOfALiveSysfsSurviveASnapshot(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Path gpu = root.resolve("sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0");
        HostRootReaderTest.write(gpu, "class", "0x030000\n");
        HostRootReaderTest.write(gpu, "driver_override", "(null)\n");
        HostRootReaderTest.write(gpu, "reset", "");
        HostRootReaderTest.write(gpu, "reset_method", "flr bus\n");
        HostRootReaderTest.write(gpu, "boot_vga", "1\n");
        Files.createDirectories(root.resolve("sys/bus/pci/drivers/amdgpu"));
        Files.createSymbolicLink(gpu.resolve("driver"), Path.of("../../../../bus/pci/drivers/amdgpu"));
        Path audio = root.resolve("sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1");
        HostRootReaderTest.write(audio, "driver_override", "(null)\n");
        Path old = root.resolve("sys/devices/pci0000:00/0000:00:01.0/0000:01:00.2");
        HostRootReaderTest.write(old, "vendor", "0x10de\n");
        Files.createDirectories(root.resolve("sys/bus/pci/devices"));
        for (String bdf : List.of("0000:01:00.0", "0000:01:00.1", "0000:01:00.2")) {
            Files.createSymbolicLink(root.resolve("sys/bus/pci/devices/" + bdf),
                    Path.of("../../../devices/pci0000:00/0000:00:01.0/" + bdf));
        }
        HostRootReaderTest.write(root, "proc/fb", "0 EFI VGA\n");
        Files.createDirectories(root.resolve("sys/module/vendor_reset/parameters"));
        HostFacts live = HostRootReader.read(root);
        assertEquals(List.of(), live.warnings());
        PciDevice boot = live.pciDevices().orElseThrow().get(0);
        assertEquals(Optional.of(DriverBinding.bound("amdgpu")), boot.driverBinding());
        assertEquals(Optional.of(List.of("flr", "bus")), boot.resetMethods());
        assertEquals(Optional.of(true), boot.bootVga());
        PciDevice unbound = live.pciDevices().orElseThrow().get(1);
        assertEquals(Optional.of(DriverBinding.UNBOUND), unbound.driverBinding());
        assertEquals(Optional.of(List.of()), unbound.resetMethods(), "no reset file: the kernel cannot reset it");
        PciDevice notCaptured = live.pciDevices().orElseThrow().get(2);
        assertEquals(Optional.empty(), notCaptured.driverBinding(), "no driver_override: binding unknown");
        assertEquals(Optional.empty(), notCaptured.resetMethods());
        assertEquals(Optional.of(List.of("EFI VGA")), live.framebuffers());
        assertEquals(Optional.of(true), live.vendorResetLoaded());

        Path snap = HostSnapshot.capture(root, dir.resolve("snap"), false, NO_STACK).outDir();

        assertEquals(live, HostRootReader.read(snap));
        assertEquals("amdgpu\n", Files.readString(snap.resolve("sys/bus/pci/devices/0000:01:00.0/driver")));
        assertTrue(Files.isRegularFile(snap.resolve("sys/bus/pci/devices/0000:01:00.0/reset")));
        assertFalse(Files.exists(snap.resolve("sys/bus/pci/devices/0000:01:00.1/reset")));
    }

    @Test
    void emptyDirectoriesThatAreFactsSurviveGit(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("sys/kernel/iommu_groups"));
        Files.createDirectories(root.resolve("sys/class/power_supply/AC"));
        HostFacts facts = HostRootReader.read(root);
        assertEquals(Optional.of(false), facts.iommuEnabled());
        assertEquals(Optional.of(false), facts.battery());

        Path snap = HostSnapshot.capture(root, dir.resolve("snap"), false, NO_STACK).outDir();

        assertTrue(Files.isRegularFile(snap.resolve("sys/kernel/iommu_groups/" + HostSnapshot.KEEP)));
        assertTrue(Files.isRegularFile(snap.resolve("sys/class/power_supply/" + HostSnapshot.KEEP)));
        assertFalse(Files.exists(snap.resolve("sys/class/power_supply/AC")), "only batteries are captured");
        assertEquals(facts, HostRootReader.read(snap));
    }

    @Test
    void theLiveHostCanBeCaptured(@TempDir Path out) throws Exception {
        Path live = Path.of("/");
        HostFacts facts = HostRootReader.read(live);
        HostSnapshot.Result result = HostSnapshot.capture(live, out.resolve("snap"), false,
                new DetectedStack(Optional.of("10.0.2"), Optional.empty(), Optional.empty(), List.of()));
        HostFacts copy = HostRootReader.read(result.outDir());
        assertEquals(facts.cpu(), copy.cpu());
        assertEquals(facts.pciDevices(), copy.pciDevices());
        assertEquals(facts.iommuGroups(), copy.iommuGroups());
        assertEquals(Optional.of("10.0.2"), new StackDetector().detect(result.outDir(), copy).qemu());
    }

    @Test
    void refusesAnOutputDirectoryThatIsNotEmpty(@TempDir Path out) throws IOException {
        Files.writeString(out.resolve("precious.txt"), "keep me");
        HostSnapshot.SnapshotException error = assertThrows(HostSnapshot.SnapshotException.class,
                () -> HostSnapshot.capture(HostRootReaderTest.host("optimus-laptop"), out, false, NO_STACK));
        assertTrue(error.getMessage().contains("is not empty"), error.getMessage());
        assertTrue(error.getMessage().contains("--force"), error.getMessage());
        assertEquals(List.of("precious.txt"), filesUnder(out));
    }

    @Test
    void forceWritesIntoANonEmptyDirectoryAndDeletesNothing(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("precious.txt"), "keep me");
        Path root = HostRootReaderTest.host("optimus-laptop");
        HostSnapshot.capture(root, out, true, NO_STACK);
        assertEquals("keep me", Files.readString(out.resolve("precious.txt")));
        assertEquals(HostRootReader.read(root), HostRootReader.read(out));
    }

    @Test
    void forceReplacesAnEarlierCaptureAndOnlyThat(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("snap");
        HostSnapshot.capture(HostRootReaderTest.host("amd-epyc-2gpu"), out, false, NO_STACK);
        Files.writeString(out.resolve("notes.md"), "mine");
        Files.createDirectories(out.resolve("sys/bus/pci/devices/0000:99:00.0"));
        Files.writeString(out.resolve("sys/bus/pci/devices/0000:99:00.0/vendor"), "0x10de\n");

        Path other = HostRootReaderTest.host("optimus-laptop");
        HostSnapshot.Result result = HostSnapshot.capture(other, out, true, NO_STACK);

        assertTrue(result.earlierFilesDeleted() > 0, "the EPYC's devices are gone");
        assertEquals(addresses(other), addresses(out).stream().filter(address -> !address.equals("0000:99:00.0"))
                .toList(), "the devices are the second host's, and the one planted by hand");
        assertEquals("mine", Files.readString(out.resolve("notes.md")), "a file no capture wrote stays");
        assertTrue(Files.exists(out.resolve("sys/bus/pci/devices/0000:99:00.0/vendor")),
                "nor does a capture delete a file it never listed");
        List<String> files = new java.util.ArrayList<>(filesUnder(out));
        files.removeAll(List.of(SnapshotWriter.MANIFEST, "notes.md", "sys/bus/pci/devices/0000:99:00.0/vendor"));
        assertEquals(filesUnder(other), files, "what is left of the first capture is exactly the second");
    }

    @Test
    void aManifestLineNeverReachesOutsideTheOutputDirectory(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("snap"));
        Path outside = Files.writeString(dir.resolve("outside.txt"), "not yours");
        Files.writeString(out.resolve(SnapshotWriter.MANIFEST), "../outside.txt\n" + outside + "\n");
        HostSnapshot.capture(HostRootReaderTest.host("optimus-laptop"), out, true, NO_STACK);
        assertEquals("not yours", Files.readString(outside));
    }

    @Test
    void neverWritesThroughALinkPlantedInTheOutputDirectory(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(out.resolve("sys"), outside);
        HostSnapshot.SnapshotException error = assertThrows(HostSnapshot.SnapshotException.class,
                () -> HostSnapshot.capture(HostRootReaderTest.host("amd-epyc-2gpu"), out, true, NO_STACK));
        assertTrue(error.getMessage().contains("symbolic link"), error.getMessage());
        assertEquals(List.of(), filesUnder(outside), "nothing was written outside OUT_DIR");
    }

    @Test
    void neverWritesThroughAFileLinkPlantedInTheOutputDirectory(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path victim = Files.writeString(dir.resolve("victim.txt"), "unchanged");
        Files.createDirectories(out.resolve("proc"));
        Files.createSymbolicLink(out.resolve("proc/cpuinfo"), victim);
        assertThrows(HostSnapshot.SnapshotException.class,
                () -> HostSnapshot.capture(HostRootReaderTest.host("amd-epyc-2gpu"), out, true, NO_STACK));
        assertEquals("unchanged", Files.readString(victim));
    }

    @Test
    void everyFileWrittenLiesInsideTheOutputDirectory(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("a/b/out");
        HostSnapshot.Result result = HostSnapshot.capture(HostRootReaderTest.host("intel-desktop-39bit"), out, false,
                NO_STACK);
        Path realOut = out.toRealPath();
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> files = all.filter(Files::isRegularFile).toList();
            assertEquals(result.filesWritten() + 1, files.size(), "the capture's files and its manifest");
            assertTrue(files.stream().allMatch(file -> file.startsWith(realOut)), files.toString());
        }
    }

    @Test
    void refusesToWriteIntoTheHostRootOrAroundIt(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("marker"), "x");
        HostSnapshot.SnapshotException same = assertThrows(HostSnapshot.SnapshotException.class,
                () -> HostSnapshot.capture(root, root, true, NO_STACK));
        assertTrue(same.getMessage().contains("must not be the host root"), same.getMessage());
        assertThrows(HostSnapshot.SnapshotException.class, () -> HostSnapshot.capture(root, dir, true, NO_STACK));
        assertEquals(List.of("marker"), filesUnder(root));
    }

    @Test
    void refusesAnOutputPathThatIsAFileOrALink(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThrows(HostSnapshot.SnapshotException.class,
                () -> HostSnapshot.capture(HostRootReaderTest.host("optimus-laptop"), file, true, NO_STACK));
        Path target = Files.createDirectories(dir.resolve("target"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertThrows(HostSnapshot.SnapshotException.class,
                () -> HostSnapshot.capture(HostRootReaderTest.host("optimus-laptop"), link, false, NO_STACK));
        assertEquals(List.of(), filesUnder(target));
    }

    @Test
    void theStackFileIsStableAndEscaped(@TempDir Path dir) throws Exception {
        DetectedStack stack = new DetectedStack(Optional.of("10.0.2"), Optional.of("11.3.0"),
                Optional.of("2022.11-6+deb12u2 \\ odd"), List.of());
        Path root = Files.createDirectories(dir.resolve("root"));
        Path snap = HostSnapshot.capture(root, dir.resolve("snap"), false, stack).outDir();
        assertEquals("# Target stack of the captured host, read by virt-lint host-facts\n"
                        + "libvirt=11.3.0\novmf=2022.11-6+deb12u2 \\\\ odd\nqemu=10.0.2\n",
                Files.readString(snap.resolve(StackDetector.STACK_FILE)));
        assertEquals(stack, new StackDetector().detect(snap, HostRootReader.read(snap)));
    }

    private static List<String> addresses(Path root) {
        return HostRootReader.read(root).pciDevices().orElseThrow().stream()
                .map(device -> device.address().toString()).sorted().toList();
    }

    static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                    .map(path -> dir.relativize(path).toString())
                    .sorted()
                    .toList();
        }
    }
}
