package dev.virtlint.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies exactly the files {@link HostRootReader} reads from a host root into an output directory, under the
 * same relative paths, so a host can be captured once and committed as test data. Links become plain files
 * the reader understands: {@code iommu_group} holds the group number, a group's {@code devices/<BDF>} entries
 * are empty files, and linked directories ({@code /sys/bus/pci/devices/*}) become real ones. The target
 * stack goes into {@value StackDetector#STACK_FILE}; a root that was itself captured through libvirt keeps its
 * {@value RemoteCapture#FILE}. {@link SnapshotWriter} keeps every write inside the output directory.
 */
public final class HostSnapshot {
    /**
     * Written into a directory that would otherwise stay empty: an empty {@code iommu_groups} or
     * {@code power_supply} is a fact (IOMMU off, no battery), and git drops empty directories.
     */
    public static final String KEEP = ".keep";

    /** A refusal or write failure, with a one-line message for the user. */
    public static final class SnapshotException extends Exception {
        SnapshotException(String message) {
            super(message);
        }
    }

    /**
     * What was written; {@code earlierFilesDeleted} are files of an earlier capture into the same directory that this
     * one no longer has; {@code warnings} are source files that could not be read (and so were left out).
     */
    public record Result(Path outDir, int filesWritten, int earlierFilesDeleted, List<HostWarning> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    private final RootFiles source;
    private final List<HostWarning> warnings = new ArrayList<>();
    private SnapshotWriter out;

    private HostSnapshot(Path root) {
        this.source = new RootFiles(root, warnings);
    }

    /**
     * Captures {@code root} into {@code outDir}, which must be empty or absent unless {@code force} is set; with
     * {@code force}, an earlier capture there is replaced (see {@link SnapshotWriter#finish()}) and every other file
     * is left as it was.
     */
    public static Result capture(Path root, Path outDir, boolean force, DetectedStack stack) throws SnapshotException {
        return new HostSnapshot(root).capture(outDir, force, stack);
    }

    private Result capture(Path outDir, boolean force, DetectedStack stack) throws SnapshotException {
        Path rootReal;
        try {
            rootReal = source.resolve("").toRealPath();
        } catch (IOException e) {
            throw new SnapshotException("host root " + source.resolve("") + " is not readable: "
                    + RootFiles.describe(e));
        }
        out = SnapshotWriter.open(outDir, force);
        if (out.outDir().equals(rootReal) || rootReal.startsWith(out.outDir())) {
            throw new SnapshotException("output directory " + out.outDir()
                    + " must not be the host root or contain it");
        }
        copy(HostRootReader.CPUINFO, RootFiles.MAX_CPUINFO_BYTES);
        pciDevices();
        iommuGroups();
        iommuUnits();
        powerSupplies();
        copy(HostRootReader.FRAMEBUFFERS, RootFiles.MAX_BYTES);
        modules();
        firmware();
        kernelIommu();
        qemuProcess();
        romFiles();
        copy(RemoteCapture.FILE, RootFiles.MAX_BYTES);
        out.writeStack(stack);
        int deleted = out.finish();
        return new Result(out.outDir(), out.filesWritten(), deleted, warnings);
    }

    private void pciDevices() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.PCI_DEVICES);
        if (names.isEmpty()) {
            return;
        }
        out.directory(HostRootReader.PCI_DEVICES);
        for (String name : names.get()) {
            String dir = HostRootReader.PCI_DEVICES + "/" + name;
            out.directory(dir);
            for (String file : HostRootReader.PCI_FILES) {
                copy(dir + "/" + file, RootFiles.MAX_BYTES);
            }
            String group = dir + "/" + HostRootReader.PCI_IOMMU_GROUP;
            if (Files.exists(source.resolve(group), LinkOption.NOFOLLOW_LINKS)) {
                Optional<String> number = source.readLinkNameOrContent(group);
                if (number.isPresent()) {
                    out.write(group, (number.get().strip() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            String driver = dir + "/" + HostRootReader.PCI_DRIVER;
            if (Files.exists(source.resolve(driver), LinkOption.NOFOLLOW_LINKS)) {
                Optional<String> driverName = source.readLinkNameOrContent(driver);
                if (driverName.isPresent()) {
                    out.write(driver, (driverName.get().strip() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            // Write-only, so it cannot be copied; its presence is the fact (the kernel can reset the function).
            if (Files.exists(source.resolve(dir + "/" + HostRootReader.PCI_RESET), LinkOption.NOFOLLOW_LINKS)) {
                out.write(dir + "/" + HostRootReader.PCI_RESET, new byte[0]);
            }
        }
        out.keepIfEmpty(HostRootReader.PCI_DEVICES);
    }

    private void iommuGroups() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.IOMMU_GROUPS);
        if (names.isEmpty()) {
            return;
        }
        out.directory(HostRootReader.IOMMU_GROUPS);
        for (String name : names.get()) {
            String dir = HostRootReader.IOMMU_GROUPS + "/" + name;
            out.directory(dir);
            String devices = dir + "/" + HostRootReader.GROUP_DEVICES;
            Optional<List<String>> members = source.list(devices);
            if (members.isPresent()) {
                out.directory(devices);
                for (String member : members.get()) {
                    out.write(devices + "/" + member, new byte[0]);
                }
                out.keepIfEmpty(devices);
            }
            copy(dir + "/" + HostRootReader.RESERVED_REGIONS, RootFiles.MAX_BYTES);
            out.keepIfEmpty(dir);
        }
        out.keepIfEmpty(HostRootReader.IOMMU_GROUPS);
    }

    private void iommuUnits() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.IOMMU_UNITS);
        if (names.isEmpty()) {
            return;
        }
        out.directory(HostRootReader.IOMMU_UNITS);
        for (String name : names.get()) {
            String dir = HostRootReader.IOMMU_UNITS + "/" + name;
            out.directory(dir);
            for (String file : List.of(HostRootReader.INTEL_CAP, HostRootReader.AMD_CAP, HostRootReader.AMD_FEATURES)) {
                String vendorDir = dir + "/" + file.substring(0, file.indexOf('/'));
                if (source.isDirectory(vendorDir)) {
                    out.directory(vendorDir);
                    copy(dir + "/" + file, RootFiles.MAX_BYTES);
                    out.keepIfEmpty(vendorDir);
                }
            }
            out.keepIfEmpty(dir);
        }
        out.keepIfEmpty(HostRootReader.IOMMU_UNITS);
    }

    private void powerSupplies() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.POWER_SUPPLIES);
        if (names.isEmpty()) {
            return;
        }
        out.directory(HostRootReader.POWER_SUPPLIES);
        for (String name : names.get()) {
            if (name.startsWith(HostRootReader.BATTERY_PREFIX)) {
                String dir = HostRootReader.POWER_SUPPLIES + "/" + name;
                out.directory(dir);
                for (String file : HostRootReader.BATTERY_FILES) {
                    copy(dir + "/" + file, RootFiles.MAX_BYTES);
                }
                out.keepIfEmpty(dir);
            }
        }
        out.keepIfEmpty(HostRootReader.POWER_SUPPLIES);
    }

    /** The modules rules look at; {@code sys/module} itself says the others are not loaded. */
    private void modules() throws SnapshotException {
        if (!source.isDirectory(HostRootReader.MODULES)) {
            return;
        }
        out.directory(HostRootReader.MODULES);
        String vendorReset = HostRootReader.MODULES + "/" + HostRootReader.VENDOR_RESET_MODULE;
        if (source.isDirectory(vendorReset)) {
            out.directory(vendorReset);
            out.keepIfEmpty(vendorReset);
        }
        for (HostRootReader.KvmParameter parameter : HostRootReader.KVM_PARAMETERS) {
            if (source.isDirectory(parameter.moduleDir())) {
                out.directory(parameter.moduleDir());
                copy(parameter.path(), RootFiles.MAX_BYTES);
                out.keepIfEmpty(parameter.moduleDir());
            }
        }
        if (source.isDirectory(KernelIommuReader.TYPE1_MODULE)) {
            out.directory(KernelIommuReader.TYPE1_MODULE);
            copy(KernelIommuReader.UNSAFE_INTERRUPTS, RootFiles.MAX_BYTES);
            out.keepIfEmpty(KernelIommuReader.TYPE1_MODULE);
        }
        copy(QemuProcessReader.APPARMOR_ENABLED, RootFiles.MAX_BYTES);
        out.keepIfEmpty(HostRootReader.MODULES);
    }

    private void firmware() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.FIRMWARE_DESCRIPTORS);
        if (names.isEmpty()) {
            return;
        }
        out.directory(HostRootReader.FIRMWARE_DESCRIPTORS);
        for (String name : names.get()) {
            if (name.endsWith(".json")) {
                copy(HostRootReader.FIRMWARE_DESCRIPTORS + "/" + name, RootFiles.MAX_BYTES);
            }
        }
        out.keepIfEmpty(HostRootReader.FIRMWARE_DESCRIPTORS);
    }

    /**
     * The IOMMU's boot parameters only (a command line can carry anything), the interrupt and chip columns of
     * {@code /proc/interrupts} (its per-CPU counts grow with the CPUs), and the {@code vfio_iommu_type1} options of
     * modprobe.d.
     */
    private void kernelIommu() throws SnapshotException {
        Optional<String> cmdline = source.read(KernelIommuReader.CMDLINE);
        if (cmdline.isPresent()) {
            out.write(KernelIommuReader.CMDLINE, String.join(" ", KernelIommuReader.iommuParameters(cmdline.get()))
                    + "\n");
        }
        Optional<String> interrupts = source.read(KernelIommuReader.INTERRUPTS);
        if (interrupts.isPresent()) {
            out.write(KernelIommuReader.INTERRUPTS, interrupts.get().lines().map(KernelIommuReader::withoutCounts)
                    .filter(line -> !line.isEmpty()).map(line -> line + "\n").reduce("", String::concat));
        }
        for (String name : source.list(KernelIommuReader.MODPROBE_DIR).orElse(List.of())) {
            String path = KernelIommuReader.MODPROBE_DIR + "/" + name;
            List<String> options = source.read(path).orElse("").lines()
                    .filter(line -> KernelIommuReader.MODPROBE_OPTIONS.matcher(line).matches()).toList();
            if (name.endsWith(".conf") && !options.isEmpty()) {
                out.write(path, String.join("\n", options) + "\n");
            }
        }
    }

    /**
     * qemu.conf's user, group and security_driver lines (the file also holds passwords), the passwd and group entries
     * of the user QEMU runs as, and the rules of libvirt's AppArmor policy for QEMU that let it read files.
     */
    private void qemuProcess() throws SnapshotException {
        Optional<String> conf = source.read(QemuProcessReader.QEMU_CONF);
        if (conf.isEmpty()) {
            return;
        }
        out.write(QemuProcessReader.QEMU_CONF, conf.get().lines().filter(QemuProcessReader::isKeptLine)
                .map(line -> line + "\n").reduce("", String::concat));
        Map<String, String> settings = QemuProcessReader.settings(conf.get());
        Optional<String> passwd = source.read(QemuProcessReader.PASSWD);
        if (passwd.isPresent()) {
            out.write(QemuProcessReader.PASSWD, lines(QemuProcessReader.keptLines(passwd.get(), settings, passwd,
                    true)));
        }
        Optional<String> group = source.read(QemuProcessReader.GROUP);
        if (group.isPresent()) {
            out.write(QemuProcessReader.GROUP, lines(QemuProcessReader.keptLines(group.get(), settings, passwd,
                    false)));
        }
        for (String policy : new QemuProcessReader(source, warnings).policyFiles()) {
            String path = QemuProcessReader.APPARMOR_DIR + "/" + policy;
            Optional<String> text = source.read(path);
            if (text.isPresent()) {
                out.write(path, lines(text.get().lines().filter(QemuProcessReader::isReadRule).toList()));
            }
        }
    }

    private static String lines(List<String> lines) {
        return lines.stream().map(line -> line + "\n").reduce("", String::concat);
    }

    /** The facts of the ROM files the host's domains name, not the files: they are the vendors' firmware. */
    private void romFiles() throws SnapshotException {
        RomFiles files = HostRootReader.romFiles(source.resolve(""), warnings);
        if (!files.files().isEmpty() || source.exists(RomFiles.FILE)) {
            out.write(RomFiles.FILE, files.fileText());
        }
    }

    /** Copies one file if the source has it; an unreadable source file is left out with a warning. */
    private void copy(String relative, int maxBytes) throws SnapshotException {
        Optional<byte[]> bytes = source.readBytes(relative, maxBytes);
        if (bytes.isPresent()) {
            int slash = relative.lastIndexOf('/');
            if (slash > 0) {
                out.directory(relative.substring(0, slash));
            }
            out.write(relative, bytes.get());
        }
    }
}
