package dev.virtlint.host;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.virtlint.host.HostSnapshot.SnapshotException;

/**
 * Writes the files of a host root into an output directory, for {@link HostSnapshot} (a copy of a root) and
 * {@link LibvirtSnapshot} (a root built from what libvirt reports). Every destination is checked to lie inside
 * the output directory and is written without following links, so a link planted in a reused output directory
 * cannot redirect a write.
 *
 * <p>{@link #finish()} lists the files written in {@value #MANIFEST}. A capture into a directory that holds an
 * earlier one ({@code --force}) then deletes the files the earlier capture wrote and this one did not, and the
 * directories that leaves empty: a device removed from the host, or a fact a libvirt capture cannot see, must not
 * live on as a fact of the new capture. Nothing else is ever deleted.
 */
final class SnapshotWriter {
    /** The files of the capture, one relative path per line after a comment; not itself a host fact. */
    static final String MANIFEST = "virt-lint-snapshot.files";

    private final Path out;
    private final Set<String> written = new TreeSet<>();

    private SnapshotWriter(Path out) {
        this.out = out;
    }

    /**
     * Opens {@code outDir}, which must be empty or absent unless {@code force} is set; with {@code force}, files
     * written are overwritten and everything else is left as it was.
     */
    static SnapshotWriter open(Path outDir, boolean force) throws SnapshotException {
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
            return new SnapshotWriter(outDir.toRealPath());
        } catch (IOException e) {
            throw new SnapshotException("cannot create output directory " + outDir + ": " + RootFiles.describe(e));
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    Path outDir() {
        return out;
    }

    int filesWritten() {
        return written.size();
    }

    /**
     * Deletes what an earlier capture listed in {@value #MANIFEST} and this one did not write, then lists this
     * capture's files there. Called last, so a capture that fails leaves the earlier files in place. A manifest line
     * that does not name a path inside the output directory is ignored, not followed.
     *
     * @return the number of earlier files deleted
     */
    int finish() throws SnapshotException {
        Path manifest = out.resolve(MANIFEST);
        int deleted = 0;
        try {
            if (Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
                for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                    if (line.isBlank() || line.startsWith("#") || written.contains(line) || !isCapturePath(line)) {
                        continue;
                    }
                    Path stale = out.resolve(line).normalize();
                    if (Files.isRegularFile(stale, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(stale);
                        deleted++;
                        deleteEmptyParents(stale.getParent());
                    }
                }
            } else if (Files.isSymbolicLink(manifest)) {
                throw new SnapshotException("refusing to write through the symbolic link " + manifest);
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot replace the earlier capture in " + out + ": " + RootFiles.describe(e));
        }
        StringBuilder text = new StringBuilder("# Files of this capture (virt-lint host-facts --snapshot); a capture"
                + " with --force into this directory deletes those it does not write again\n");
        written.forEach(path -> text.append(path).append('\n'));
        writeFile(manifest, text.toString().getBytes(StandardCharsets.UTF_8));
        return deleted;
    }

    /** Only what a capture can have written: a relative path of checked names, inside the output directory. */
    private boolean isCapturePath(String relative) {
        for (String part : relative.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                return false;
            }
        }
        Path normal = out.resolve(relative).normalize();
        return normal.startsWith(out) && !normal.equals(out);
    }

    private void deleteEmptyParents(Path dir) throws IOException {
        for (Path current = dir; current != null && !current.equals(out) && current.startsWith(out);
                current = current.getParent()) {
            if (Files.isSymbolicLink(current) || !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(current)) {
                if (entries.iterator().hasNext()) {
                    return;
                }
            }
            Files.delete(current);
        }
    }

    /** Sorted keys and no date comment, so capturing the same host twice gives the same bytes. */
    void writeStack(DetectedStack stack) throws SnapshotException {
        TreeMap<String, String> values = new TreeMap<>();
        stack.qemu().ifPresent(version -> values.put(StackDetector.QEMU, version));
        stack.libvirt().ifPresent(version -> values.put(StackDetector.LIBVIRT, version));
        stack.ovmf().ifPresent(version -> values.put(StackDetector.OVMF, version));
        write(StackDetector.STACK_FILE,
                propertiesText("Target stack of the captured host, read by virt-lint host-facts", values));
    }

    /** A properties file with one comment line and the entries in the map's order, escaped as properties are. */
    static byte[] propertiesText(String comment, Map<String, String> values) {
        StringBuilder text = new StringBuilder("# ").append(comment).append('\n');
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
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@value HostSnapshot#KEEP} into a directory that is empty, so git keeps it. */
    void keepIfEmpty(String relative) throws SnapshotException {
        Path dir = directory(relative);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                return;
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot list " + dir + ": " + RootFiles.describe(e));
        }
        write(relative + "/" + HostSnapshot.KEEP, new byte[0]);
    }

    /** Creates each missing component, refusing any existing component that is a link or not a directory. */
    Path directory(String relative) throws SnapshotException {
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

    void write(String relative, byte[] bytes) throws SnapshotException {
        int slash = relative.lastIndexOf('/');
        Path parent = slash > 0 ? directory(relative.substring(0, slash)) : out;
        Path file = inside(parent.resolve(checkedName(relative.substring(slash + 1), relative)), relative);
        writeFile(file, bytes);
        written.add(out.relativize(file).toString());
    }

    private void writeFile(Path file, byte[] bytes) throws SnapshotException {
        try {
            if (Files.isSymbolicLink(file)) {
                throw new SnapshotException("refusing to write through the symbolic link " + file);
            }
            Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new SnapshotException("cannot write " + file + ": " + RootFiles.describe(e));
        }
    }

    void write(String relative, String text) throws SnapshotException {
        write(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Names come from directory listings or libvirt's answers, both of which may be untrusted. */
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
