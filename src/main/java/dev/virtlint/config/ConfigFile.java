package dev.virtlint.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import dev.virtlint.domain.InvalidValueException;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.firmware.Bar;
import dev.virtlint.firmware.DeclaredDevices;
import dev.virtlint.host.NaturalOrder;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Severity;

/**
 * One {@code .virt-lint.yaml}: settings for every file it governs, then {@code overrides}, each applying to
 * the files that match its globs (relative to the configuration's directory); later overrides win.
 *
 * <pre>
 * select: [ALL]
 * ignore: [VL003]
 * severity: {VL102: error}
 * fail-on: warning
 * qemu-version: "10.0"
 * hosts: ["hosts/*"]
 * devices:
 *   "0000:41:00.0": {bars: {1: 32G, 3: 32M}, vga: true}
 * unsafe-fixes: false
 * overrides:
 *   - files: "hv02/*.xml"
 *     host-root: hosts/hv02
 * </pre>
 */
public record ConfigFile(Path file, Settings settings, List<ConfigFile.Override> overrides) {
    /** The keys a configuration or an override may have, in the order the docs list them. */
    public static final List<String> KEYS = List.of("select", "ignore", "severity", "fail-on", "qemu-version",
            "libvirt-version", "ovmf-version", "host-root", "hosts", "devices", "unsafe-fixes");
    private static final Set<String> FAIL_ON = Set.of("error", "warning", "info", "never");
    private static final Pattern OVMF_RELEASE = Pattern.compile("\\d{4}\\.\\d{2}");
    /** A host PCI address as sysfs and {@code lspci -D} print it, or as {@code lspci} does (domain 0000). */
    private static final Pattern HOST_PCI_ADDRESS = Pattern.compile(
            "(?:([0-9a-fA-F]{4}):)?([0-9a-fA-F]{2}):([0-1][0-9a-fA-F])\\.([0-7])");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
    private static final long MAX_BYTES = 1024 * 1024;

    /** Settings for the files that match any of {@code globs}. */
    public record Override(List<String> globs, List<PathMatcher> matchers, Settings settings) {
        boolean matches(Path relative) {
            return matchers.stream().anyMatch(matcher -> matcher.matches(relative));
        }
    }

    public Path directory() {
        return file.toAbsolutePath().normalize().getParent();
    }

    /** The settings for {@code file}: the top level, then each override that matches it, in order. */
    public Settings settingsFor(Path file) {
        Settings result = settings;
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(directory())) {
            return result;
        }
        Path relative = directory().relativize(absolute);
        for (Override override : overrides) {
            if (override.matches(relative)) {
                result = result.overriddenBy(override.settings());
            }
        }
        return result;
    }

    public static ConfigFile load(Path file) throws ConfigException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file, 1, 1, "larger than 1 MiB; this is not a virt-lint configuration");
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, 1, 1, "not valid UTF-8");
        } catch (IOException e) {
            throw new ConfigException(file, 1, 1, "cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    static ConfigFile parse(Path file, String text) throws ConfigException {
        Optional<Node> root = YamlNodes.compose(file, text);
        if (root.isEmpty()) {
            return new ConfigFile(file, Settings.NONE, List.of());
        }
        Path directory = file.toAbsolutePath().normalize().getParent();
        Reader reader = new Reader(file, directory);
        MappingNode mapping = reader.mapping(root.get(), "the configuration");
        List<Override> overrides = new ArrayList<>();
        Map<String, Node> top = reader.keys(mapping, withOverrides());
        if (top.containsKey("overrides")) {
            for (Node item : reader.sequence(top.get("overrides"), "overrides")) {
                Map<String, Node> keys = reader.keys(reader.mapping(item, "an override"), withFiles());
                if (!keys.containsKey("files")) {
                    throw reader.error(item, "an override needs 'files': a glob such as \"hv01/*.xml\", or a list");
                }
                List<String> globs = reader.strings(keys.get("files"), "files");
                List<PathMatcher> matchers = new ArrayList<>();
                for (String glob : globs) {
                    try {
                        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
                    } catch (IllegalArgumentException e) {
                        throw reader.error(keys.get("files"), "'" + glob + "' is not a glob: " + e.getMessage());
                    }
                }
                overrides.add(new Override(globs, matchers, reader.settings(keys)));
            }
        }
        return new ConfigFile(file, reader.settings(top), overrides);
    }

    private static List<String> withOverrides() {
        List<String> keys = new ArrayList<>(KEYS);
        keys.add("overrides");
        return keys;
    }

    private static List<String> withFiles() {
        List<String> keys = new ArrayList<>(List.of("files"));
        keys.addAll(KEYS);
        return keys;
    }

    /** Reads nodes into values, turning every wrong shape or value into an error at the node's position. */
    private record Reader(Path file, Path directory) {
        ConfigException error(Node node, String message) {
            Optional<Mark> mark = node.getStartMark();
            return new ConfigException(file, mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1), message);
        }

        MappingNode mapping(Node node, String what) throws ConfigException {
            if (node instanceof MappingNode mapping) {
                return mapping;
            }
            throw error(node, what + " must be a mapping of keys to values");
        }

        List<Node> sequence(Node node, String key) throws ConfigException {
            if (node instanceof SequenceNode sequence) {
                return sequence.getValue();
            }
            throw error(node, "'" + key + "' must be a list");
        }

        String scalar(Node node, String key) throws ConfigException {
            if (node instanceof ScalarNode scalar) {
                return scalar.getValue();
            }
            throw error(node, "'" + key + "' must be a single value");
        }

        /** A scalar or a list of scalars. */
        List<String> strings(Node node, String key) throws ConfigException {
            if (node instanceof ScalarNode scalar) {
                return List.of(scalar.getValue());
            }
            List<String> values = new ArrayList<>();
            for (Node item : sequence(node, key)) {
                values.add(scalar(item, key));
            }
            return values;
        }

        Map<String, Node> keys(MappingNode mapping, List<String> allowed) throws ConfigException {
            Map<String, Node> keys = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = scalar(tuple.getKeyNode(), "a key");
                if (!allowed.contains(key)) {
                    throw error(tuple.getKeyNode(), "unknown key '" + key + "'; the keys are " + String.join(", ",
                            allowed));
                }
                if (keys.containsKey(key)) {
                    throw error(tuple.getKeyNode(), "'" + key + "' is given twice");
                }
                keys.put(key, tuple.getValueNode());
            }
            return keys;
        }

        Settings settings(Map<String, Node> keys) throws ConfigException {
            if (keys.containsKey("host-root") && keys.containsKey("hosts")) {
                throw error(keys.get("hosts"), "give 'host-root' (one host) or 'hosts' (a fleet), not both");
            }
            Optional<List<Path>> hostRoots = keys.containsKey("hosts") ? Optional.of(hosts(keys.get("hosts")))
                    : optional(keys, "host-root", this::hostRoot).map(List::of);
            return new Settings(selectors(keys, "select"), selectors(keys, "ignore"), severities(keys),
                    optional(keys, "fail-on", this::failOn), optional(keys, "qemu-version", this::version),
                    optional(keys, "libvirt-version", this::version), optional(keys, "ovmf-version", this::ovmf),
                    hostRoots, optional(keys, "unsafe-fixes", this::bool),
                    keys.containsKey("devices") ? devices(keys.get("devices")) : DeclaredDevices.NONE);
        }

        /**
         * Each entry a directory or a glob of directories relative to the configuration ({@code hosts/*}): the
         * captured hosts, in natural order. A glob that matches no directory is an error, lest a typo check nothing.
         */
        private List<Path> hosts(Node node) throws ConfigException {
            List<Path> roots = new ArrayList<>();
            for (String entry : strings(node, "hosts")) {
                List<Path> matched = new ArrayList<>();
                if (entry.chars().noneMatch(c -> "*?[{".indexOf(c) >= 0)) {
                    matched.add(directoryAt(node, "hosts", entry));
                } else {
                    matched.addAll(directoriesMatching(node, entry));
                }
                for (Path root : matched) {
                    if (!roots.contains(root)) {
                        roots.add(root);
                    }
                }
            }
            if (roots.isEmpty()) {
                throw error(node, "'hosts' lists no host: give captured host directories, e.g. [\"hosts/*\"]");
            }
            return roots;
        }

        private List<Path> directoriesMatching(Node node, String glob) throws ConfigException {
            PathMatcher matcher;
            try {
                matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (IllegalArgumentException e) {
                throw error(node, "'" + glob + "' is not a glob: " + e.getMessage());
            }
            int depth = (int) glob.chars().filter(c -> c == '/').count() + 1;
            List<Path> matched;
            try (var walk = Files.walk(directory, depth)) {
                matched = walk.filter(Files::isDirectory).filter(path -> !path.equals(directory))
                        .filter(path -> matcher.matches(directory.relativize(path)))
                        .sorted(Comparator.comparing(Path::toString, NaturalOrder.INSTANCE)).toList();
            } catch (IOException | UncheckedIOException e) {
                throw error(node, "cannot list the directories for '" + glob + "': " + e.getMessage());
            }
            if (matched.isEmpty()) {
                throw error(node, "'hosts' entry '" + glob + "' matches no directory (relative paths are relative to"
                        + " the configuration file, " + directory + ")");
            }
            return matched;
        }

        /**
         * {@code "0000:41:00.0": {bars: {1: 32G, 3: 32M}, vga: true}}, a BAR given by size alone being 64-bit
         * prefetchable, {@code vga} saying whether the device is a VGA controller (false when absent).
         */
        private DeclaredDevices devices(Node node) throws ConfigException {
            Map<String, List<Bar>> devices = new LinkedHashMap<>();
            Set<String> vgaControllers = new LinkedHashSet<>();
            for (NodeTuple tuple : mapping(node, "'devices'").getValue()) {
                String address = hostAddress(tuple.getKeyNode());
                if (devices.containsKey(address)) {
                    throw error(tuple.getKeyNode(), "device " + address + " is given twice");
                }
                Map<String, Node> keys = keys(mapping(tuple.getValueNode(), "device " + address),
                        List.of("bars", "vga"));
                if (!keys.containsKey("bars")) {
                    throw error(tuple.getValueNode(), "device " + address + " needs 'bars': its memory BARs by index,"
                            + " e.g. {1: 32G, 3: 32M}");
                }
                List<Bar> bars = new ArrayList<>();
                for (NodeTuple bar : mapping(keys.get("bars"), "'bars'").getValue()) {
                    bars.add(bar(bar, address));
                }
                devices.put(address, bars);
                if (keys.containsKey("vga") && bool(keys.get("vga"), "vga")) {
                    vgaControllers.add(address);
                }
            }
            return new DeclaredDevices(devices, vgaControllers);
        }

        private String hostAddress(Node node) throws ConfigException {
            String value = scalar(node, "a device");
            var matcher = HOST_PCI_ADDRESS.matcher(value.strip());
            if (!matcher.matches()) {
                throw error(node, "'" + value + "' is not a host PCI address such as 0000:41:00.0 (as lspci -D"
                        + " prints it)");
            }
            return (matcher.group(1) == null ? "0000" : matcher.group(1)).toLowerCase(Locale.ROOT) + ":"
                    + matcher.group(2).toLowerCase(Locale.ROOT) + ":" + matcher.group(3).toLowerCase(Locale.ROOT)
                    + "." + matcher.group(4);
        }

        private Bar bar(NodeTuple tuple, String address) throws ConfigException {
            String index = scalar(tuple.getKeyNode(), "a BAR index");
            if (!index.matches("[0-5]")) {
                throw error(tuple.getKeyNode(), "BAR index '" + index + "' of " + address + " must be 0 to 5");
            }
            Node value = tuple.getValueNode();
            boolean is64Bit = true;
            boolean prefetchable = true;
            Node sizeNode = value;
            if (value instanceof MappingNode attributes) {
                Map<String, Node> keys = keys(attributes, List.of("size", "64-bit", "prefetchable"));
                if (!keys.containsKey("size")) {
                    throw error(value, "BAR " + index + " of " + address + " needs 'size'");
                }
                sizeNode = keys.get("size");
                is64Bit = keys.containsKey("64-bit") ? bool(keys.get("64-bit"), "64-bit") : true;
                prefetchable = keys.containsKey("prefetchable") ? bool(keys.get("prefetchable"), "prefetchable") : true;
            }
            long size = size(sizeNode, "BAR " + index + " of " + address);
            return new Bar(Integer.parseInt(index), size, is64Bit, prefetchable);
        }

        private long size(Node node, String what) throws ConfigException {
            String value = scalar(node, what);
            var matcher = SIZE.matcher(value.strip());
            long bytes;
            try {
                if (!matcher.matches()) {
                    throw new InvalidValueException("not a number and unit");
                }
                bytes = MemorySize.parse(matcher.group(1), matcher.group(2), "B").bytes();
            } catch (InvalidValueException e) {
                throw error(node, what + ": '" + value + "' is not a size such as 32G or 256MiB (" + e.getMessage()
                        + ")");
            }
            if (bytes == 0 || Long.bitCount(bytes) != 1) {
                throw error(node, what + ": " + value + " is not a power of two, which every BAR size is (lspci -vv"
                        + " shows them as [size=32G])");
            }
            return bytes;
        }

        private interface Conversion<T> {
            T convert(Node node, String key) throws ConfigException;
        }

        private <T> Optional<T> optional(Map<String, Node> keys, String key, Conversion<T> conversion)
                throws ConfigException {
            return keys.containsKey(key) ? Optional.of(conversion.convert(keys.get(key), key)) : Optional.empty();
        }

        private Optional<List<String>> selectors(Map<String, Node> keys, String key) throws ConfigException {
            if (!keys.containsKey(key)) {
                return Optional.empty();
            }
            List<String> selectors = strings(keys.get(key), key);
            for (String selector : selectors) {
                checkSelector(keys.get(key), selector);
            }
            return Optional.of(selectors);
        }

        private void checkSelector(Node node, String selector) throws ConfigException {
            if (!RuleSelection.isValid(selector)) {
                throw error(node, RuleSelection.unknownSelectorMessage(selector));
            }
        }

        private Map<String, Severity> severities(Map<String, Node> keys) throws ConfigException {
            if (!keys.containsKey("severity")) {
                return Map.of();
            }
            Map<String, Severity> severities = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (NodeTuple tuple : mapping(keys.get("severity"), "'severity'").getValue()) {
                String selector = scalar(tuple.getKeyNode(), "a rule");
                checkSelector(tuple.getKeyNode(), selector);
                if (!seen.add(selector)) {
                    throw error(tuple.getKeyNode(), "'" + selector + "' is given twice");
                }
                String level = scalar(tuple.getValueNode(), selector).toLowerCase(Locale.ROOT);
                Optional<Severity> severity = Arrays.stream(Severity.values())
                        .filter(s -> s.label().equals(level)).findFirst();
                if (severity.isEmpty()) {
                    throw error(tuple.getValueNode(), "severity '" + level + "' of " + selector
                            + " must be error, warning or info (to turn a rule off, list it under 'ignore')");
                }
                severities.put(selector, severity.get());
            }
            return severities;
        }

        private String failOn(Node node, String key) throws ConfigException {
            String value = scalar(node, key);
            if (!FAIL_ON.contains(value)) {
                throw error(node, "'fail-on' must be error, warning, info or never, not '" + value + "'");
            }
            return value;
        }

        private Version version(Node node, String key) throws ConfigException {
            String value = scalar(node, key);
            return Version.tryParse(value).orElseThrow(() -> error(node, "'" + key + "' must be a version such as"
                    + " 10.0 or 11.3.0, not '" + value + "'"));
        }

        private String ovmf(Node node, String key) throws ConfigException {
            String value = scalar(node, key);
            if (!OVMF_RELEASE.matcher(value).matches()) {
                throw error(node, "'ovmf-version' must be an edk2 release such as 2022.11, not '" + value + "'");
            }
            return value;
        }

        private Path hostRoot(Node node, String key) throws ConfigException {
            return directoryAt(node, key, scalar(node, key));
        }

        private Path directoryAt(Node node, String key, String value) throws ConfigException {
            Path path;
            try {
                path = directory.resolve(value).normalize();
            } catch (InvalidPathException e) {
                throw error(node, "'" + key + "' entry is not a path: " + e.getMessage());
            }
            if (!Files.isDirectory(path)) {
                throw error(node, "'" + key + "' " + value + " is not a directory (" + path + "; relative paths are"
                        + " relative to the configuration file)");
            }
            return path;
        }

        private boolean bool(Node node, String key) throws ConfigException {
            String value = scalar(node, key);
            return switch (value) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw error(node, "'" + key + "' must be true or false, not '" + value + "'");
            };
        }
    }
}
