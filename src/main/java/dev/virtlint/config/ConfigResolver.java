package dev.virtlint.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the configuration that governs a file. By default it is the nearest {@code .virt-lint.yaml} (or
 * {@code .virt-lint.yml}) in the file's directory or above it; the search stops at the root of the
 * repository (a directory holding {@code .git}) and at the home directory, so a checkout never picks up
 * a stray file from outside it. The nearest file wins whole; files are not merged. {@code --config}
 * names one file for every input and {@code --isolated} uses none.
 */
public final class ConfigResolver {
    public static final List<String> FILE_NAMES = List.of(".virt-lint.yaml", ".virt-lint.yml");

    private final Optional<ConfigFile> explicit;
    private final boolean discover;
    private final Path home;
    private final Map<Path, Optional<ConfigFile>> byDirectory = new HashMap<>();

    private ConfigResolver(Optional<ConfigFile> explicit, boolean discover, Path home) {
        this.explicit = explicit;
        this.discover = discover;
        this.home = home;
    }

    public static ConfigResolver isolated() {
        return new ConfigResolver(Optional.empty(), false, null);
    }

    public static ConfigResolver explicit(Path file) throws ConfigException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, 1, 1, "no such configuration file");
        }
        return new ConfigResolver(Optional.of(ConfigFile.load(file)), false, null);
    }

    /** Searches upwards from each file, stopping at a repository root or at {@code home}. */
    public static ConfigResolver discovering(Path home) {
        return new ConfigResolver(Optional.empty(), true, home.toAbsolutePath().normalize());
    }

    /** The configuration that governs {@code file}, if any. Not thread-safe: resolve before linting in parallel. */
    public Optional<ConfigFile> configFor(Path file) throws ConfigException {
        if (!discover) {
            return explicit;
        }
        Path directory = file.toAbsolutePath().normalize().getParent();
        return directory == null ? Optional.empty() : search(directory);
    }

    public Settings settingsFor(Path file) throws ConfigException {
        Optional<ConfigFile> config = configFor(file);
        return config.isPresent() ? config.get().settingsFor(file) : Settings.NONE;
    }

    private Optional<ConfigFile> search(Path directory) throws ConfigException {
        Optional<ConfigFile> cached = byDirectory.get(directory);
        if (cached != null) {
            return cached;
        }
        Optional<ConfigFile> found = Optional.empty();
        for (String name : FILE_NAMES) {
            Path candidate = directory.resolve(name);
            if (Files.isRegularFile(candidate)) {
                found = Optional.of(ConfigFile.load(candidate));
                break;
            }
        }
        boolean boundary = Files.exists(directory.resolve(".git")) || directory.equals(home);
        if (found.isEmpty() && !boundary && directory.getParent() != null) {
            found = search(directory.getParent());
        }
        byDirectory.put(directory, found);
        return found;
    }
}
