package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facts host readiness reads beside sysfs: the IOMMU's boot parameters, interrupt remapping and VFIO's
 * allow_unsafe_interrupts; who QEMU runs as and what AppArmor lets it read; the ROM files domains name, read from a
 * live root or a capture, and what a snapshot keeps of each.
 */
class HostReadinessFactsTest {
    private static final DetectedStack NO_STACK =
            new DetectedStack(Optional.empty(), Optional.empty(), Optional.empty(), List.of());

    @Test
    void onlyTheIommuParametersOfTheCommandLineAreKept() {
        assertEquals(List.of("intel_iommu=on,sm_on", "iommu=pt", "vfio_iommu_type1.allow_unsafe_interrupts=1"),
                KernelIommuReader.iommuParameters("BOOT_IMAGE=/vmlinuz root=UUID=1 intel-iommu=on,sm_on quiet"
                        + " iommu=pt vfio-iommu-type1.allow_unsafe_interrupts=1 -- iommu=off"));
    }

    @Test
    void remappedInterruptsAreThoseOfIrChips() {
        String full = "           CPU0       CPU1\n  0:         37          0  IR-IO-APIC    2-edge      timer\n"
                + "NMI:          0          0   Non-maskable interrupts\n";
        assertEquals(Optional.of(true), KernelIommuReader.interruptRemapping(full));
        assertEquals(Optional.of(true), KernelIommuReader.interruptRemapping(
                " 27:  0  0  IR-PCI-MSI 33554432-edge      PCIe PME\n"));
        assertEquals(Optional.of(false), KernelIommuReader.interruptRemapping(
                " 24:  2  0  IO-APIC   5-edge      ACPI:Ged\n 28:  2  0 PCI-MSIX-0000:00:01.0   0-edge  virtio0\n"));
        assertEquals(Optional.empty(), KernelIommuReader.interruptRemapping(" 120:  0  DMAR-MSI  0-edge  dmar0\n"),
                "an IOMMU's own fault interrupt says nothing about remapping");
        assertEquals("   0: IR-IO-APIC    2-edge      timer", KernelIommuReader.withoutCounts(
                "  0:         37          0  IR-IO-APIC    2-edge      timer"));
    }

    @Test
    void capturedHostsTellTheirIommuState() {
        KernelIommu off = HostRootReader.read(HostRootReaderTest.host("intel-desktop-no-intremap")).kernelIommu();
        assertEquals(Optional.of(false), off.interruptRemapping());
        assertEquals(Optional.of("off"), off.parameter("intremap"));
        assertEquals(Optional.of(new KernelIommu.ModuleSetting(false, KernelIommuReader.UNSAFE_INTERRUPTS)),
                off.unsafeInterrupts());
        HostFacts vm = HostRootReader.read(HostRootReaderTest.host("vm-no-iommu"));
        assertEquals(Optional.of(false), vm.iommuEnabled());
        assertEquals(Optional.of(List.of()), vm.kernelIommu().parameters());
        assertEquals(Optional.of(false), vm.kernelIommu().interruptRemapping());
        assertEquals(List.of(), vm.warnings());
        assertEquals(Optional.of(true), HostRootReader.read(HostRootReaderTest.host("amd-epyc-2gpu"))
                .kernelIommu().interruptRemapping());
    }

    @Test
    void allowUnsafeInterruptsComesFromTheLoadedModuleElseTheCommandLineElseModprobe(@TempDir Path root)
            throws IOException {
        HostRootReaderTest.write(root, "sys/module/.keep", "");
        HostRootReaderTest.write(root, "proc/cmdline", "quiet\n");
        assertEquals(Optional.of(false), unsafe(root).map(KernelIommu.ModuleSetting::value));
        HostRootReaderTest.write(root, "etc/modprobe.d/vfio.conf",
                "options vfio-pci ids=10de:2204\noptions vfio_iommu_type1 allow_unsafe_interrupts=1\n");
        assertEquals(Optional.of(new KernelIommu.ModuleSetting(true, "etc/modprobe.d/vfio.conf")), unsafe(root));
        HostRootReaderTest.write(root, "proc/cmdline", "vfio_iommu_type1.allow_unsafe_interrupts=0\n");
        assertEquals(Optional.of(new KernelIommu.ModuleSetting(false, "proc/cmdline")), unsafe(root));
        HostRootReaderTest.write(root, KernelIommuReader.UNSAFE_INTERRUPTS, "Y\n");
        assertEquals(Optional.of(new KernelIommu.ModuleSetting(true, KernelIommuReader.UNSAFE_INTERRUPTS)),
                unsafe(root));
    }

    private static Optional<KernelIommu.ModuleSetting> unsafe(Path root) {
        return HostRootReader.read(root).kernelIommu().unsafeInterrupts();
    }

    @Test
    void qemuRunsAsQemuConfsUserWithItsGroups(@TempDir Path root) throws IOException {
        HostRootReaderTest.write(root, "etc/libvirt/qemu.conf", "#       user = \"qemu\"   # A user named \"qemu\"\n"
                + "#user = \"libvirt-qemu\"\n#group = \"libvirt-qemu\"\nvnc_password = \"secret\"\n");
        HostRootReaderTest.write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
                + "libvirt-qemu:x:64055:993:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n");
        HostRootReaderTest.write(root, "etc/group", "root:x:0:\nkvm:x:993:\nvideo:x:44:libvirt-qemu,alice\n"
                + "libvirt-qemu:x:64055:libvirt-qemu\n");
        QemuIdentity identity = HostRootReader.read(root).qemuProcess().identity().orElseThrow();
        assertEquals(new QemuIdentity("libvirt-qemu", 64055, 64055, Set.of(993, 44, 64055), false), identity);

        HostRootReaderTest.write(root, "etc/libvirt/qemu.conf", "#user = \"libvirt-qemu\"\nuser = \"+0\"\n"
                + "group = \"+0\"\n");
        QemuIdentity root0 = HostRootReader.read(root).qemuProcess().identity().orElseThrow();
        assertEquals("root", root0.user());
        assertTrue(root0.isRoot());
        assertTrue(root0.configured());
    }

    @Test
    void appArmorConfinesQemuUnlessQemuConfChoosesAnotherDriver(@TempDir Path root) throws IOException {
        HostRootReaderTest.write(root, "sys/module/apparmor/parameters/enabled", "Y\n");
        HostRootReaderTest.write(root, "etc/apparmor.d/abstractions/libvirt-qemu", "  #include <abstractions/base>\n"
                + "  /usr/share/{vgabios,seabios}/** r,\n  owner /var/lib/libvirt/qemu/*.rom r,\n"
                + "  @{HOME}/roms/* r,\n  /dev/kvm rw,\n  deny /etc/shadow r,\n");
        HostRootReaderTest.write(root, "etc/libvirt/qemu.conf", "#user = \"libvirt-qemu\"\n");
        AppArmorPolicy policy = HostRootReader.read(root).qemuProcess().appArmor().orElseThrow();
        assertTrue(policy.confinesQemu());
        assertTrue(policy.ruleAllowingRead("/usr/share/seabios/bios.bin", false).isPresent());
        assertFalse(policy.ruleAllowingRead("/usr/share/vgabiosx/gpu.rom", false).isPresent());
        assertFalse(policy.ruleAllowingRead("/var/lib/libvirt/qemu/gpu.rom", false).isPresent(),
                "an owner rule needs QEMU to own the file");
        assertTrue(policy.ruleAllowingRead("/var/lib/libvirt/qemu/gpu.rom", true).isPresent());
        assertFalse(policy.ruleAllowingRead("/var/lib/libvirt/qemu/sub/gpu.rom", true).isPresent(),
                "* stays within one path component");

        HostRootReaderTest.write(root, "etc/libvirt/qemu.conf", "security_driver = [ \"selinux\" ]\n");
        assertFalse(HostRootReader.read(root).qemuProcess().appArmor().orElseThrow().confinesQemu());
    }

    @Test
    void aLiveRootReadsTheRomFilesItsDomainsNameAndAnyOtherOnRequest(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("root");
        HostRootReaderTest.write(root, "etc/libvirt/qemu/gpu.xml", "<domain><devices><hostdev><rom"
                + " file='/srv/roms/gpu.rom'/></hostdev><interface><rom file='/usr/share/vgabios/nic.rom'/></interface>"
                + "</devices></domain>");
        Files.createDirectories(root.resolve("srv/roms"));
        Files.write(root.resolve("srv/roms/gpu.rom"), rom(1536, 4096));
        Files.createDirectories(root.resolve("usr/share/vgabios"));
        Files.write(root.resolve("usr/share/vgabios/other.rom"), rom(0, 512));
        Files.setPosixFilePermissions(root.resolve("srv"), PosixFilePermissions.fromString("rwx------"));

        HostFacts facts = HostRootReader.read(root);
        assertFalse(facts.romFiles().isCaptured());
        assertEquals(List.of("/srv/roms/gpu.rom", "/usr/share/vgabios/nic.rom", "/usr/share/vgabios/other.rom"),
                facts.romFiles().files().stream().map(RomFile::path).toList());
        RomFile gpu = facts.romFiles().lookup("/srv/roms/gpu.rom").orElseThrow();
        assertEquals(RomFile.Presence.FILE, gpu.presence());
        assertEquals(1536 + 4096, gpu.size());
        assertEquals(Optional.of(1536L), gpu.imageOffset());
        assertEquals(List.of("/", "/srv", "/srv/roms", "/srv/roms/gpu.rom"),
                gpu.access().orElseThrow().stream().map(PathAccess::path).toList());
        assertEquals(0700, gpu.access().orElseThrow().get(1).mode());
        assertEquals(RomFile.Presence.MISSING, facts.romFiles().lookup("/usr/share/vgabios/nic.rom").orElseThrow()
                .presence());

        assertEquals(Optional.empty(), facts.romFiles().lookup("/opt/late.rom"));
        RomFile late = facts.withRomFiles(List.of("/opt/late.rom")).romFiles().lookup("/opt/late.rom").orElseThrow();
        assertEquals(RomFile.Presence.MISSING, late.presence(), "a live root answers for any path when asked");
    }

    @Test
    void aLinkLeavingTheRootHasNoKnownAccess(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("usr/share/vgabios"));
        Files.write(dir.resolve("outside.rom"), rom(0, 512));
        Files.createSymbolicLink(root.resolve("usr/share/vgabios/gpu.rom"), dir.resolve("outside.rom"));
        RomFile file = HostRootReader.read(root).romFiles().lookup("/usr/share/vgabios/gpu.rom").orElseThrow();
        assertEquals(Optional.empty(), file.access());
    }

    @Test
    void aCaptureKnowsOnlyTheRomFilesItRecorded(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        HostRootReaderTest.write(root, "etc/libvirt/qemu/gpu.xml", "<domain><devices><hostdev>"
                + "<rom file='/srv/gpu.rom'/></hostdev></devices></domain>");
        Files.createDirectories(root.resolve("srv"));
        Files.write(root.resolve("srv/gpu.rom"), rom(0, 2048));
        HostFacts live = HostRootReader.read(root);

        Path snap = HostSnapshot.capture(root, dir.resolve("snap"), false, NO_STACK).outDir();
        HostFacts captured = HostRootReader.read(snap);
        assertTrue(captured.romFiles().isCaptured());
        assertEquals(live.romFiles().files(), captured.romFiles().files());
        assertFalse(Files.exists(snap.resolve("srv/gpu.rom")), "a snapshot records the facts, not the firmware");
        assertEquals(Optional.empty(), captured.withRomFiles(List.of("/opt/other.rom")).romFiles()
                .lookup("/opt/other.rom"), "a capture cannot answer for a file it did not record");

        Path again = HostSnapshot.capture(snap, dir.resolve("again"), false, NO_STACK).outDir();
        assertEquals(Files.readString(snap.resolve(RomFiles.FILE)), Files.readString(again.resolve(RomFiles.FILE)));
    }

    @Test
    void aSnapshotKeepsOnlyWhatIsRead(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        HostRootReaderTest.write(root, "proc/cmdline", "root=/dev/sda1 password=hunter2 intel_iommu=on\n");
        HostRootReaderTest.write(root, "proc/interrupts", "           CPU0       CPU1\n"
                + "  0:         37          0  IR-IO-APIC    2-edge      timer\n"
                + "NMI:  0  0   Non-maskable interrupts\n");
        HostRootReaderTest.write(root, "etc/libvirt/qemu.conf", "#user = \"libvirt-qemu\"\nspice_password = \"x\"\n");
        HostRootReaderTest.write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
                + "libvirt-qemu:x:64055:993:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n");
        HostRootReaderTest.write(root, "etc/group", "root:x:0:\nkvm:x:993:\nlibvirt-qemu:x:64055:libvirt-qemu\n");
        HostRootReaderTest.write(root, "etc/modprobe.d/blacklist.conf", "blacklist nouveau\n");
        HostRootReaderTest.write(root, "etc/modprobe.d/vfio.conf",
                "options vfio_iommu_type1 allow_unsafe_interrupts=1\n"
                + "softdep nvidia pre: vfio-pci\n");
        HostFacts facts = HostRootReader.read(root);

        Path snap = HostSnapshot.capture(root, dir.resolve("snap"), false, NO_STACK).outDir();
        assertEquals("intel_iommu=on\n", Files.readString(snap.resolve("proc/cmdline")));
        assertEquals("   0: IR-IO-APIC    2-edge      timer\n", Files.readString(snap.resolve("proc/interrupts")));
        assertEquals("#user = \"libvirt-qemu\"\n", Files.readString(snap.resolve("etc/libvirt/qemu.conf")));
        assertEquals("libvirt-qemu:x:64055:993:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n",
                Files.readString(snap.resolve("etc/passwd")));
        assertEquals("kvm:x:993:\nlibvirt-qemu:x:64055:libvirt-qemu\n", Files.readString(snap.resolve("etc/group")),
                "the user's primary group and the groups it is a member of; root's is left out");
        assertFalse(Files.exists(snap.resolve("etc/modprobe.d/blacklist.conf")));
        assertEquals("options vfio_iommu_type1 allow_unsafe_interrupts=1\n",
                Files.readString(snap.resolve("etc/modprobe.d/vfio.conf")));
        HostFacts copy = HostRootReader.read(snap);
        assertEquals(facts.kernelIommu(), copy.kernelIommu());
        assertEquals(facts.qemuProcess(), copy.qemuProcess());
    }

    /** {@code padding} bytes of zeros, then a ROM image of {@code size} bytes whose PCIR structure is at 0x1c. */
    static byte[] rom(int padding, int size) {
        byte[] bytes = new byte[padding + size];
        bytes[padding] = 0x55;
        bytes[padding + 1] = (byte) 0xaa;
        bytes[padding + 0x18] = 0x1c;
        bytes[padding + 0x1c] = 'P';
        bytes[padding + 0x1d] = 'C';
        bytes[padding + 0x1e] = 'I';
        bytes[padding + 0x1f] = 'R';
        return bytes;
    }
}
