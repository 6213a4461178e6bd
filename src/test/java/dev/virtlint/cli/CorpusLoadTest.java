package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.Linter;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * Every domain XML libvirt's own test suite uses, and every real-world GPU domain, loads and lints: never
 * a crash, never exit 2, except the inputs that really are malformed.
 */
class CorpusLoadTest {
    private static final Set<String> REALLY_MALFORMED = Set.of("broken-xml-invalid.xml");

    private static Path corpus() {
        var corpus = ProjectPaths.corpus();
        Assumptions.assumeTrue(corpus.isPresent(), "../shared/corpus is absent (a user's clone): corpus tests skipped");
        return corpus.get();
    }

    private static List<Path> xmlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".xml")).sorted().toList();
        }
    }

    @Test
    void everyCorpusFileLoadsOrIsReportedAsMalformed() throws IOException {
        Path corpus = corpus();
        Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all());
        List<String> unexpected = new ArrayList<>();
        int count = 0;
        for (String folder : List.of("libvirt-tests", "libvirt-tests-extra", "real-world")) {
            for (Path file : xmlFiles(corpus.resolve(folder))) {
                count++;
                FileResult result = linter.lint(file, true);
                boolean malformed = REALLY_MALFORMED.contains(file.getFileName().toString());
                if (result.error().isPresent() != malformed) {
                    unexpected.add(file.getFileName() + ": " + result.error().map(e -> e.oneLine()).orElse("loaded"));
                }
            }
        }
        assertTrue(count >= 1208 + 37, "corpus smaller than expected: " + count);
        assertEquals(List.of(), unexpected);
    }

    @Test
    void theCliOverTheWholeCorpusExitsOneNotTwoApartFromTheBrokenFile() throws IOException {
        Path corpus = corpus();
        List<String> args = new ArrayList<>(List.of("-q", "--format", "json"));
        for (Path file : xmlFiles(corpus.resolve("real-world"))) {
            args.add(file.toString());
        }
        CliRun run = CliRun.run(args.toArray(String[]::new));
        assertTrue(run.exitCode() == 0 || run.exitCode() == 1, run.err());

        Path broken = corpus.resolve("libvirt-tests").resolve("broken-xml-invalid.xml");
        CliRun brokenRun = CliRun.run(broken.toString());
        assertEquals(2, brokenRun.exitCode());
        // A machine without libvirt adds one note that VL010 was not checked; the rest is the broken file's line.
        String errors = brokenRun.err().lines().filter(line -> !line.startsWith("virt-lint: note: "))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertTrue(errors.matches("(?s)" + java.util.regex.Pattern.quote(broken.toString())
                + ":\\d+:\\d+: malformed XML: .*"), brokenRun.err());
    }
}
