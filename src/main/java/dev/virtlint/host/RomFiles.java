package dev.virtlint.host;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ROM files a host root tells about. A capture ({@code host-facts --snapshot}) records the files that the host's
 * own domain definitions name ({@code /etc/libvirt/qemu/*.xml}) and those in {@code /usr/share/vgabios}, in
 * {@value #FILE}; it knows nothing of other paths. A root read as it is ({@code /} on the host itself) can answer for
 * any path: {@link #including(Collection)} reads the ones a domain names before its rules run, so rules only ever
 * look facts up.
 */
public final class RomFiles {
    public static final String FILE = "virt-lint-rom-files.properties";
    private static final Pattern ACCESS = Pattern.compile("([0-7]{1,4}) (\\d{1,10}) (\\d{1,10}) (/.*)");

    /** Where a root read as it is keeps the files; empty for a capture. */
    private final Optional<Path> root;
    /** A capture's files, or the files of a root read as it is that were asked for. */
    private final Map<String, RomFile> files;
    /**
     * The files a root read as it is names in its own domain definitions and keeps in its vgabios directory, read
     * when first needed ({@code host-facts}, a snapshot): a lint asks only for its domain's ROMs, and on the live host
     * (the hook, at every start) reading every ROM of every domain would be work nobody uses.
     */
    private final Listing listing;

    private RomFiles(Optional<Path> root, Map<String, RomFile> files, Listing listing) {
        this.root = root;
        this.files = Map.copyOf(files);
        this.listing = listing;
    }

    /** Read once, by whichever copy of the facts first needs it; the copies {@link #including} makes share it. */
    private static final class Listing {
        private final Supplier<Collection<RomFile>> reader;
        private Map<String, RomFile> read;

        Listing(Supplier<Collection<RomFile>> reader) {
            this.reader = reader;
        }

        synchronized Map<String, RomFile> files() {
            if (read == null) {
                read = Map.copyOf(byPath(reader.get()));
            }
            return read;
        }
    }

    private static final Listing NOTHING_LISTED = new Listing(List::of);

    /** No ROM files and no root to read any from: host facts built by hand. */
    public static RomFiles none() {
        return captured(List.of());
    }

    /** The files a capture recorded; it can tell nothing about any other. */
    static RomFiles captured(Collection<RomFile> recorded) {
        return new RomFiles(Optional.empty(), byPath(recorded), NOTHING_LISTED);
    }

    /** A root read as it is: {@code listed} reads the files its domains name, other paths are read on request. */
    static RomFiles onRoot(Path root, Supplier<Collection<RomFile>> listed) {
        return new RomFiles(Optional.of(root), Map.of(), new Listing(listed));
    }

    private static Map<String, RomFile> byPath(Collection<RomFile> files) {
        Map<String, RomFile> map = new TreeMap<>();
        files.forEach(file -> map.put(file.path(), file));
        return map;
    }

    /** Whether the facts come from a capture, which knows only the files it recorded. */
    public boolean isCaptured() {
        return root.isEmpty();
    }

    /** What the host shows and a snapshot records, by path. */
    public List<RomFile> files() {
        return new TreeMap<>(all()).values().stream().toList();
    }

    private Map<String, RomFile> all() {
        Map<String, RomFile> all = new TreeMap<>(listing.files());
        all.putAll(files);
        return all;
    }

    /** The facts of the file at {@code path}; empty when they were neither captured nor read. */
    public Optional<RomFile> lookup(String path) {
        return Optional.ofNullable(files.get(path)).or(() -> Optional.ofNullable(listing.files().get(path)));
    }

    /** These files with the absolute {@code paths} not yet known read from the root; a capture is returned as it is. */
    public RomFiles including(Collection<String> paths) {
        if (root.isEmpty() || files.keySet().containsAll(paths)) {
            return this;
        }
        Map<String, RomFile> more = new TreeMap<>(files);
        for (String path : paths) {
            if (!more.containsKey(path) && path.startsWith("/")) {
                more.put(path, RomFileReader.read(root.get(), path));
            }
        }
        return new RomFiles(root, more, listing);
    }

    /**
     * {@value #FILE}: for the N-th file, {@code rom.N.path}, {@code .presence} (file, missing, not-a-file),
     * {@code .size}, {@code .contentRead}, {@code .imageOffset} when there is an image, and {@code .access.M} =
     * "MODE UID GID PATH" for each component; sorted keys and no date, so capturing the same host twice gives the same
     * bytes.
     */
    byte[] fileText() {
        Map<String, String> values = new TreeMap<>();
        int n = 0;
        for (RomFile file : files()) {
            String key = "rom." + ++n + ".";
            values.put(key + "path", file.path());
            values.put(key + "presence", file.presence().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            values.put(key + "size", String.valueOf(file.size()));
            values.put(key + "contentRead", String.valueOf(file.contentRead()));
            file.imageOffset().ifPresent(offset -> values.put(key + "imageOffset", String.valueOf(offset)));
            List<PathAccess> access = file.access().orElse(List.of());
            for (int m = 0; m < access.size(); m++) {
                PathAccess component = access.get(m);
                values.put(key + "access." + (m + 1), String.format(Locale.ROOT, "%04o %d %d %s", component.mode(),
                        component.uid(), component.gid(), component.path()));
            }
        }
        return SnapshotWriter.propertiesText("ROM files the captured host's domains name, read by virt-lint", values);
    }

    /** The files {@link #fileText()} wrote; an entry that does not parse is left out with a warning. */
    static RomFiles read(String text, List<HostWarning> warnings) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            warnings.add(new HostWarning(FILE, "not a properties file: " + e.getMessage()));
            return captured(List.of());
        }
        List<RomFile> files = new ArrayList<>();
        for (int n = 1; properties.containsKey("rom." + n + ".path"); n++) {
            String key = "rom." + n + ".";
            try {
                files.add(entry(properties, key));
            } catch (IllegalArgumentException e) {
                warnings.add(new HostWarning(FILE, key + "*: " + e.getMessage() + "; left out"));
            }
        }
        return captured(files);
    }

    private static RomFile entry(Properties properties, String key) {
        String path = properties.getProperty(key + "path");
        RomFile.Presence presence = RomFile.Presence.valueOf(properties.getProperty(key + "presence", "")
                .toUpperCase(Locale.ROOT).replace('-', '_'));
        long size = Long.parseLong(properties.getProperty(key + "size", "0"));
        boolean contentRead = Boolean.parseBoolean(properties.getProperty(key + "contentRead"));
        Optional<Long> offset = Optional.ofNullable(properties.getProperty(key + "imageOffset")).map(Long::parseLong);
        List<PathAccess> access = new ArrayList<>();
        for (int m = 1; properties.containsKey(key + "access." + m); m++) {
            Matcher component = ACCESS.matcher(properties.getProperty(key + "access." + m));
            if (!component.matches()) {
                throw new IllegalArgumentException("access." + m + " is not 'MODE UID GID PATH'");
            }
            access.add(new PathAccess(component.group(4), Integer.parseInt(component.group(1), 8),
                    Integer.parseInt(component.group(2)), Integer.parseInt(component.group(3))));
        }
        return new RomFile(path, presence, size, contentRead, offset,
                access.isEmpty() ? Optional.empty() : Optional.of(access));
    }

    /** Equal when they know the same files: where others would be read from is no fact about the host. */
    @Override
    public boolean equals(Object other) {
        return other instanceof RomFiles that && all().equals(that.all());
    }

    @Override
    public int hashCode() {
        return all().hashCode();
    }

    @Override
    public String toString() {
        return (root.isPresent() ? "RomFiles on " + root.get() : "captured RomFiles") + " " + files.keySet();
    }
}
