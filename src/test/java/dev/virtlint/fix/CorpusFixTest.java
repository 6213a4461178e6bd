package dev.virtlint.fix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.CapturedHosts;
import dev.virtlint.support.FixProperties;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * Every corpus file through the fixer, unsafe fixes included: a file no fix touches comes out byte-identical,
 * every other one differs only inside the ranges its edits name, still parses, converges, and is unchanged
 * by a second fix. The real-world files keep their authors' quoting, comments and indentation, which is what
 * this is about. It runs without host facts and against each captured host under {@code testdata/hosts/}, since
 * what the fixes write (and whether they are safe) depends on the host.
 */
class CorpusFixTest {

    static Stream<String> hosts() throws IOException {
        return Stream.concat(Stream.of(NO_HOST), CapturedHosts.names().stream());
    }

    private static final String NO_HOST = "no host facts";

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void fixingTheCorpusChangesOnlyWhatTheFixesName(String host) throws IOException {
        var corpus = ProjectPaths.corpus();
        Assumptions.assumeTrue(corpus.isPresent(), "../shared/corpus is absent: corpus fix test skipped");
        LintEnvironment environment = host.equals(NO_HOST) ? LintEnvironment.defaults()
                : LintEnvironment.of(TargetStack.defaults(), Optional.of(CapturedHosts.read(host)));
        Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(), environment);
        FixApplier applier = new FixApplier(linter, true);
        List<String> problems = new ArrayList<>();
        int fixed = 0;
        int files = 0;
        for (String folder : List.of("real-world", "libvirt-tests")) {
            try (Stream<Path> paths = Files.list(corpus.get().resolve(folder))) {
                for (Path file : paths.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                    FileResult result = linter.lint(file, true);
                    if (result.error().isPresent()) {
                        continue;
                    }
                    files++;
                    String original = result.source().orElseThrow().text();
                    FixApplier.Outcome outcome = applier.apply(result.source().orElseThrow(), result);
                    try {
                        assertTrue(outcome.converged(), "did not converge: " + outcome.unconvergedRules());
                        assertTrue(outcome.result().error().isEmpty(), () -> "fixed text does not parse: "
                                + outcome.result().error().get().oneLine());
                        if (outcome.editsPerPass().isEmpty()) {
                            assertEquals(original, outcome.text().text());
                        } else {
                            fixed++;
                            FixProperties.assertOnlyEditedRangesChanged(original, outcome);
                            assertEquals(outcome.text().text(),
                                    applier.apply(outcome.text(), outcome.result()).text().text(), "not idempotent");
                        }
                    } catch (AssertionError e) {
                        problems.add(folder + "/" + file.getFileName() + ": " + e.getMessage());
                    }
                }
            }
        }
        assertTrue(files > 1200, "only " + files + " files");
        assertTrue(fixed > 0, "no corpus file was fixed, so this test proves nothing");
        assertEquals(List.of(), problems);
    }
}
