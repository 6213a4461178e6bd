package dev.virtlint.config;

import java.io.IOException;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

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
 * host-root: hosts/hv01
 * unsafe-fixes: false
 * overrides:
 *   - files: "hv02/*.xml"
 *     host-root: hosts/hv02
 * </pre>
 */
public record ConfigFile(Path file, Settings settings, List<ConfigFile.Override> overrides) {
    /** The keys a configuration or an override may have, in the order the docs list them. */
    public static final List<String> KEYS = List.of("select", "ignore", "severity", "fail-on", "qemu-version",
            "libvirt-version", "ovmf-version", "host-root", "unsafe-fixes");
    private static final Set<String> FAIL_ON = Set.of("error", "warning", "info", "never");
    private static final Pattern OVMF_RELEASE = Pattern.compile("\\d{4}\\.\\d{2}");
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
        Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(file.toString()).build()).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            throw new ConfigException(file, mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1), "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ConfigException(file, 1, 1, "not valid YAML: " + e.getMessage());
        }
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
            return new Settings(selectors(keys, "select"), selectors(keys, "ignore"), severities(keys),
                    optional(keys, "fail-on", this::failOn), optional(keys, "qemu-version", this::version),
                    optional(keys, "libvirt-version", this::version), optional(keys, "ovmf-version", this::ovmf),
                    optional(keys, "host-root", this::hostRoot), optional(keys, "unsafe-fixes", this::bool));
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
            String value = scalar(node, key);
            Path path;
            try {
                path = directory.resolve(value).normalize();
            } catch (InvalidPathException e) {
                throw error(node, "'host-root' is not a path: " + e.getMessage());
            }
            if (!Files.isDirectory(path)) {
                throw error(node, "'host-root' " + value + " is not a directory (" + path + "; relative paths are"
                        + " relative to the configuration file)");
            }
            return path;
        }

        private Boolean bool(Node node, String key) throws ConfigException {
            String value = scalar(node, key);
            return switch (value) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw error(node, "'" + key + "' must be true or false, not '" + value + "'");
            };
        }
    }
}
