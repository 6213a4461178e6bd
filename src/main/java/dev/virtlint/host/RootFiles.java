package dev.virtlint.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the small files of a root laid out like {@code /}, by paths relative to it, and turns every failure
 * into a {@link HostWarning}: a host-facts reader must never stop because one sysfs attribute misbehaves.
 * Missing files are not failures; they make a fact absent.
 */
final class RootFiles {
    /** sysfs attributes are at most a page; firmware descriptors a few kilobytes. */
    static final int MAX_BYTES = 1 << 20;
    /** {@code /proc/cpuinfo} grows by about 1.5 KiB per logical CPU. */
    static final int MAX_CPUINFO_BYTES = 16 << 20;

    private final Path root;
    private final List<HostWarning> warnings;

    RootFiles(Path root, List<HostWarning> warnings) {
        this.root = root;
        this.warnings = warnings;
    }

    Path resolve(String relative) {
        return root.resolve(relative);
    }

    void warn(String relative, String message) {
        warnings.add(new HostWarning(relative, message));
    }

    boolean exists(String relative) {
        return Files.exists(resolve(relative));
    }

    boolean isDirectory(String relative) {
        return Files.isDirectory(resolve(relative));
    }

    Optional<String> read(String relative) {
        return readBytes(relative, MAX_BYTES).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** procfs and sysfs report a size of 0 or 4096 whatever they hold, so the limit is applied while reading. */
    Optional<byte[]> readBytes(String relative, int maxBytes) {
        Path path = resolve(relative);
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        if (Files.isDirectory(path)) {
            warn(relative, "is a directory, expected a file");
            return Optional.empty();
        }
        if (!Files.isRegularFile(path)) {
            warn(relative, "is not a regular file (a device or a pipe?); not read");
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                warn(relative, "larger than " + maxBytes + " bytes; ignored");
                return Optional.empty();
            }
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            warn(relative, "permission denied");
        } catch (IOException e) {
            warn(relative, "cannot read: " + describe(e));
        }
        return Optional.empty();
    }

    /**
     * Entry names of a directory, sorted; absent when it does not exist. Names starting with a dot are skipped:
     * sysfs has none, and a snapshot uses {@value HostSnapshot#KEEP} to keep empty directories in git.
     */
    Optional<List<String>> list(String relative) {
        Path path = resolve(relative);
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        if (!Files.isDirectory(path)) {
            warn(relative, "is not a directory");
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".")) {
                    names.add(name);
                }
            }
        } catch (AccessDeniedException e) {
            warn(relative, "permission denied");
            return Optional.empty();
        } catch (IOException e) {
            warn(relative, "cannot list: " + describe(e));
            return Optional.empty();
        }
        names.sort(NaturalOrder.INSTANCE);
        return Optional.of(names);
    }

    /**
     * A live sysfs links {@code iommu_group} to {@code ../../../kernel/iommu_groups/N}; a snapshot stores N in a
     * plain file. Both give N.
     */
    Optional<String> readLinkNameOrContent(String relative) {
        Path path = resolve(relative);
        if (Files.isSymbolicLink(path)) {
            try {
                Path target = Files.readSymbolicLink(path);
                Path name = target.getFileName();
                if (name == null) {
                    warn(relative, "symbolic link to '" + target + "' names no group");
                    return Optional.empty();
                }
                return Optional.of(name.toString());
            } catch (IOException e) {
                warn(relative, "cannot read the symbolic link: " + describe(e));
                return Optional.empty();
            }
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            warn(relative, "is a directory (copied through the link?); expected a link or a file holding the group"
                    + " number");
            return Optional.empty();
        }
        return read(relative);
    }

    static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
