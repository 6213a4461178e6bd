package dev.virtlint.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the project's fixtures and the shared corpus are, wherever the tests are run from. */
public final class ProjectPaths {
    private ProjectPaths() {
    }

    public static Path projectDir() {
        return Path.of(System.getProperty("virtlint.projectDir", ".")).toAbsolutePath().normalize();
    }

    public static Path testdata() {
        return projectDir().resolve("testdata");
    }

    /**
     * {@code ../shared/corpus} beside the clone, present on the team's machines and in CI but not in a
     * user's clone; tests that need it skip when it is absent.
     */
    public static Optional<Path> corpus() {
        Path corpus = projectDir().resolveSibling("shared").resolve("corpus");
        return Files.isDirectory(corpus) ? Optional.of(corpus) : Optional.empty();
    }
}
