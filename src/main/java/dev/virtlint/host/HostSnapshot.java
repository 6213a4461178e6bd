package dev.virtlint.host;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Copies exactly the files {@link HostRootReader} reads from a host root into an output directory, under the
 * same relative paths, so a host can be captured once and committed as test data. Links become plain files
 * the reader understands: {@code iommu_group} holds the group number, a group's {@code devices/<BDF>} entries
 * are empty files, and linked directories ({@code /sys/bus/pci/devices/*}) become real ones. The target
 * stack goes into {@value StackDetector#STACK_FILE}.
 *
 * <p>Every destination is checked to lie inside the output directory and is written without following links,
 * so a link planted in a reused output directory cannot redirect a write. Nothing is ever deleted.
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

    /** What was written; {@code warnings} are source files that could not be read (and so were left out). */
    public record Result(Path outDir, int filesWritten, List<HostWarning> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    private final RootFiles source;
    private final List<HostWarning> warnings = new ArrayList<>();
    private Path out;
    private int written;

    private HostSnapshot(Path root) {
        this.source = new RootFiles(root, warnings);
    }

    /**
     * Captures {@code root} into {@code outDir}, which must be empty or absent unless {@code force} is set; with
     * {@code force}, files this snapshot writes are overwritten and everything else is left as it was.
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
        out = prepareOutDir(outDir, force);
        if (out.equals(rootReal) || rootReal.startsWith(out)) {
            throw new SnapshotException("output directory " + out + " must not be the host root or contain it");
        }
        copy(HostRootReader.CPUINFO, RootFiles.MAX_CPUINFO_BYTES);
        pciDevices();
        iommuGroups();
        iommuUnits();
        powerSupplies();
        kvmModules();
        firmware();
        writeStack(stack);
        return new Result(out, written, warnings);
    }

    private static Path prepareOutDir(Path outDir, boolean force) throws SnapshotException {
        try {
            if (Files.isSymbolicLink(outDir)) {
                throw new SnapshotException("output directory " + outDir + " is a symbolic link; give the real path");
            }
            if (Files.exists(outDir)) {
                if (!Files.isDirectory(outDir)) {
                    throw new SnapshotException("output directory " + outDir + " exists and is not a directory");
                }
                if (!force && !isEmpty(outDir)) {
                    throw new SnapshotException("output directory " + outDir
                            + " is not empty; choose an empty one or add --force to write into it");
                }
            } else {
                Files.createDirectories(outDir);
            }
            return outDir.toRealPath();
        } catch (IOException e) {
            throw new SnapshotException("cannot create output directory " + outDir + ": " + RootFiles.describe(e));
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    private void pciDevices() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.PCI_DEVICES);
        if (names.isEmpty()) {
            return;
        }
        directory(HostRootReader.PCI_DEVICES);
        for (String name : names.get()) {
            String dir = HostRootReader.PCI_DEVICES + "/" + name;
            directory(dir);
            for (String file : HostRootReader.PCI_FILES) {
                copy(dir + "/" + file, RootFiles.MAX_BYTES);
            }
            String group = dir + "/" + HostRootReader.PCI_IOMMU_GROUP;
            if (Files.exists(source.resolve(group), LinkOption.NOFOLLOW_LINKS)) {
                Optional<String> number = source.readLinkNameOrContent(group);
                if (number.isPresent()) {
                    write(group, (number.get().strip() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        keepIfEmpty(HostRootReader.PCI_DEVICES);
    }

    private void iommuGroups() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.IOMMU_GROUPS);
        if (names.isEmpty()) {
            return;
        }
        directory(HostRootReader.IOMMU_GROUPS);
        for (String name : names.get()) {
            String dir = HostRootReader.IOMMU_GROUPS + "/" + name;
            directory(dir);
            String devices = dir + "/" + HostRootReader.GROUP_DEVICES;
            Optional<List<String>> members = source.list(devices);
            if (members.isPresent()) {
                directory(devices);
                for (String member : members.get()) {
                    write(devices + "/" + member, new byte[0]);
                }
                keepIfEmpty(devices);
            }
            copy(dir + "/" + HostRootReader.RESERVED_REGIONS, RootFiles.MAX_BYTES);
            keepIfEmpty(dir);
        }
        keepIfEmpty(HostRootReader.IOMMU_GROUPS);
    }

    private void iommuUnits() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.IOMMU_UNITS);
        if (names.isEmpty()) {
            return;
        }
        directory(HostRootReader.IOMMU_UNITS);
        for (String name : names.get()) {
            String dir = HostRootReader.IOMMU_UNITS + "/" + name;
            directory(dir);
            for (String file : List.of(HostRootReader.INTEL_CAP, HostRootReader.AMD_CAP, HostRootReader.AMD_FEATURES)) {
                String vendorDir = dir + "/" + file.substring(0, file.indexOf('/'));
                if (source.isDirectory(vendorDir)) {
                    directory(vendorDir);
                    copy(dir + "/" + file, RootFiles.MAX_BYTES);
                    keepIfEmpty(vendorDir);
                }
            }
            keepIfEmpty(dir);
        }
        keepIfEmpty(HostRootReader.IOMMU_UNITS);
    }

    private void powerSupplies() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.POWER_SUPPLIES);
        if (names.isEmpty()) {
            return;
        }
        directory(HostRootReader.POWER_SUPPLIES);
        for (String name : names.get()) {
            if (name.startsWith(HostRootReader.BATTERY_PREFIX)) {
                String dir = HostRootReader.POWER_SUPPLIES + "/" + name;
                directory(dir);
                for (String file : HostRootReader.BATTERY_FILES) {
                    copy(dir + "/" + file, RootFiles.MAX_BYTES);
                }
                keepIfEmpty(dir);
            }
        }
        keepIfEmpty(HostRootReader.POWER_SUPPLIES);
    }

    private void kvmModules() throws SnapshotException {
        for (HostRootReader.KvmParameter parameter : HostRootReader.KVM_PARAMETERS) {
            if (source.isDirectory(parameter.moduleDir())) {
                directory(parameter.moduleDir());
                copy(parameter.path(), RootFiles.MAX_BYTES);
                keepIfEmpty(parameter.moduleDir());
            }
        }
    }

    private void firmware() throws SnapshotException {
        Optional<List<String>> names = source.list(HostRootReader.FIRMWARE_DESCRIPTORS);
        if (names.isEmpty()) {
            return;
        }
        directory(HostRootReader.FIRMWARE_DESCRIPTORS);
        for (String name : names.get()) {
            if (name.endsWith(".json")) {
                copy(HostRootReader.FIRMWARE_DESCRIPTORS + "/" + name, RootFiles.MAX_BYTES);
            }
        }
        keepIfEmpty(HostRootReader.FIRMWARE_DESCRIPTORS);
    }

    /** Sorted keys and no date comment, so capturing the same host twice gives the same bytes. */
    private void writeStack(DetectedStack stack) throws SnapshotException {
        TreeMap<String, String> values = new TreeMap<>();
        stack.qemu().ifPresent(version -> values.put(StackDetector.QEMU, version));
        stack.libvirt().ifPresent(version -> values.put(StackDetector.LIBVIRT, version));
        stack.ovmf().ifPresent(version -> values.put(StackDetector.OVMF, version));
        StringBuilder text = new StringBuilder("# Target stack of the captured host, read by virt-lint host-facts\n");
        for (var entry : values.entrySet()) {
            Properties one = new Properties();
            one.setProperty(entry.getKey(), entry.getValue());
            StringWriter line = new StringWriter();
            try {
                one.store(line, null);
            } catch (IOException e) {
                throw new IllegalStateException("writing to a string cannot fail", e);
            }
            line.toString().lines().filter(l -> !l.startsWith("#")).forEach(l -> text.append(l).append('\n'));
        }
        write(StackDetector.STACK_FILE, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void keepIfEmpty(String relative) throws SnapshotException {
        Path dir = directory(relative);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                return;
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot list " + dir + ": " + RootFiles.describe(e));
        }
        write(relative + "/" + KEEP, new byte[0]);
    }

    /** Copies one file if the source has it; an unreadable source file is left out with a warning. */
    private void copy(String relative, int maxBytes) throws SnapshotException {
        Optional<byte[]> bytes = source.readBytes(relative, maxBytes);
        if (bytes.isPresent()) {
            int slash = relative.lastIndexOf('/');
            if (slash > 0) {
                directory(relative.substring(0, slash));
            }
            write(relative, bytes.get());
        }
    }

    /** Creates each missing component, refusing any existing component that is a link or not a directory. */
    private Path directory(String relative) throws SnapshotException {
        Path dir = out;
        for (String part : relative.split("/")) {
            dir = inside(dir.resolve(checkedName(part, relative)), relative);
            try {
                if (Files.isSymbolicLink(dir)) {
                    throw new SnapshotException("refusing to write through the symbolic link " + dir);
                }
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(dir);
                } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw new SnapshotException(dir + " exists and is not a directory");
                }
            } catch (IOException e) {
                throw new SnapshotException("cannot create " + dir + ": " + RootFiles.describe(e));
            }
        }
        return dir;
    }

    private void write(String relative, byte[] bytes) throws SnapshotException {
        int slash = relative.lastIndexOf('/');
        Path parent = slash > 0 ? directory(relative.substring(0, slash)) : out;
        Path file = inside(parent.resolve(checkedName(relative.substring(slash + 1), relative)), relative);
        try {
            if (Files.isSymbolicLink(file)) {
                throw new SnapshotException("refusing to write through the symbolic link " + file);
            }
            Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            written++;
        } catch (IOException e) {
            throw new SnapshotException("cannot write " + file + ": " + RootFiles.describe(e));
        }
    }

    /** Names come from directory listings of the source, which may itself be an untrusted capture. */
    private static String checkedName(String name, String relative) throws SnapshotException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new SnapshotException("refusing the path component '" + name + "' in " + relative);
        }
        return name;
    }

    private Path inside(Path candidate, String relative) throws SnapshotException {
        Path normal = candidate.normalize();
        if (!normal.startsWith(out) || normal.equals(out)) {
            throw new SnapshotException("refusing to write " + relative + ": it resolves outside " + out);
        }
        return normal;
    }
}
