package dev.virtlint.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostRootReader;

/** The host roots under {@code testdata/hosts/}, for tests that run against every captured host. */
public final class CapturedHosts {
    private CapturedHosts() {
    }

    public static List<String> names() throws IOException {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList();
        }
    }

    public static Path path(String name) {
        return root().resolve(name);
    }

    public static HostFacts read(String name) {
        return HostRootReader.read(path(name));
    }

    private static Path root() {
        return ProjectPaths.testdata().resolve("hosts");
    }
}
