package dev.virtlint.hook;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import dev.virtlint.config.ConfigException;
import dev.virtlint.config.YamlNodes;
import dev.virtlint.rules.Severity;

/**
 * The libvirt hook's settings, {@code /etc/virt-lint/hook.yaml}. A missing file means the defaults: block a start
 * on errors, check every guest, fail open, give up after 5 s.
 *
 * <pre>
 * block-on: error              # or warning, info
 * skip-domains: [win11-gaming] # started unchecked
 * on-internal-error: fail-open # or fail-closed
 * timeout: 5s                  # or 500ms
 * </pre>
 */
public record HookConfig(Optional<Path> file, Severity blockOn, Set<String> skipDomains,
                         Optional<FailureMode> onInternalError, Duration timeout) {
    public static final String DEFAULT_LOCATION = "/etc/virt-lint/hook.yaml";
    public static final Path DEFAULT_FILE = Path.of(DEFAULT_LOCATION);
    /** Overrides {@link #DEFAULT_FILE} where {@code --config} is not given; for tests and unusual layouts. */
    public static final String FILE_VARIABLE = "VIRT_LINT_HOOK_CONFIG";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final List<String> KEYS = List.of("block-on", "skip-domains", "on-internal-error", "timeout");
    private static final long MAX_BYTES = 64 * 1024;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s)?");
    /** Longer than this and libvirt's own callers (virsh, virt-manager) look hung; surely a typo for ms. */
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    public HookConfig {
        skipDomains = Set.copyOf(skipDomains);
    }

    public static HookConfig defaults() {
        return new HookConfig(Optional.empty(), Severity.ERROR, Set.of(), Optional.empty(), DEFAULT_TIMEOUT);
    }

    /** The defaults when {@code file} does not exist; anything else that stops it being read is an error. */
    public static HookConfig load(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(file, 1, 1, "is a directory, not the hook's configuration");
            }
            if (Files.exists(file) && Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file, 1, 1, "larger than 64 KiB; this is not the hook's configuration");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return defaults();
        } catch (IOException e) {
            throw new ConfigException(file, 1, 1, "cannot read: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, 1, 1, "not valid UTF-8");
        }
        return parse(file, text);
    }

    static HookConfig parse(Path file, String text) throws ConfigException {
        Optional<Node> root = YamlNodes.compose(file, text);
        HookConfig defaults = defaults();
        if (root.isEmpty()) {
            return new HookConfig(Optional.of(file), defaults.blockOn, defaults.skipDomains, defaults.onInternalError,
                    defaults.timeout);
        }
        if (!(root.get() instanceof MappingNode mapping)) {
            throw error(file, root.get(), "the hook's configuration must be a mapping of keys to values");
        }
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalar(file, tuple.getKeyNode(), "a key");
            if (!KEYS.contains(key)) {
                throw error(file, tuple.getKeyNode(), "unknown key '" + key + "'; the keys are "
                        + String.join(", ", KEYS));
            }
            if (keys.put(key, tuple.getValueNode()) != null) {
                throw error(file, tuple.getKeyNode(), "'" + key + "' is given twice");
            }
        }
        Severity blockOn = keys.containsKey("block-on") ? severity(file, keys.get("block-on")) : defaults.blockOn;
        Set<String> skip = keys.containsKey("skip-domains") ? names(file, keys.get("skip-domains")) : Set.of();
        Optional<FailureMode> mode = Optional.empty();
        if (keys.containsKey("on-internal-error")) {
            String word = scalar(file, keys.get("on-internal-error"), "on-internal-error");
            mode = Optional.of(FailureMode.parse(word).orElseThrow(() -> error(file, keys.get("on-internal-error"),
                    "on-internal-error is fail-open or fail-closed, not '" + word + "'")));
        }
        Duration timeout = keys.containsKey("timeout") ? timeout(file, keys.get("timeout")) : defaults.timeout;
        return new HookConfig(Optional.of(file), blockOn, skip, mode, timeout);
    }

    /** The mode the configuration gives, else {@code fallback} (the command line's, or fail-open). */
    public FailureMode failureMode(FailureMode fallback) {
        return onInternalError.orElse(fallback);
    }

    private static Severity severity(Path file, Node node) throws ConfigException {
        String word = scalar(file, node, "block-on");
        for (Severity severity : Severity.values()) {
            if (severity.label().equals(word)) {
                return severity;
            }
        }
        throw error(file, node, "block-on is error, warning or info (the lowest severity that stops a start), not '"
                + word + "'");
    }

    private static Set<String> names(Path file, Node node) throws ConfigException {
        Set<String> names = new LinkedHashSet<>();
        if (node instanceof ScalarNode scalar) {
            names.add(scalar.getValue());
        } else if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                names.add(scalar(file, item, "skip-domains"));
            }
        } else {
            throw error(file, node, "skip-domains is a list of domain names, e.g. [win11-gaming]");
        }
        return names;
    }

    private static Duration timeout(Path file, Node node) throws ConfigException {
        String value = scalar(file, node, "timeout");
        Matcher matcher = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw error(file, node, "timeout is a time such as 5s or 500ms, not '" + value + "'");
        }
        long amount;
        try {
            amount = Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            throw error(file, node, "timeout '" + value + "' is too large");
        }
        Duration timeout = "ms".equals(matcher.group(2)) ? Duration.ofMillis(amount) : Duration.ofSeconds(
                Math.min(amount, MAX_TIMEOUT.getSeconds() + 1));
        if (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw error(file, node, "timeout " + value + " is outside 1ms to 5 minutes: libvirt waits for the hook"
                    + " before it starts the guest");
        }
        return timeout;
    }

    private static String scalar(Path file, Node node, String what) throws ConfigException {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw error(file, node, "'" + what + "' must be a single value");
    }

    private static ConfigException error(Path file, Node node, String message) {
        Optional<Mark> mark = node.getStartMark();
        return new ConfigException(file, mark.map(m -> m.getLine() + 1).orElse(1),
                mark.map(m -> m.getColumn() + 1).orElse(1), message);
    }
}
