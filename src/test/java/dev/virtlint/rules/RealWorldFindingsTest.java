package dev.virtlint.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.Linter;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * What the GPU and QEMU-namespace rules report on the real-world domains of {@code ../shared/corpus/real-world/}
 * (default target stack, no host facts), compared with the reviewed list in
 * {@code src/test/resources/real-world-findings.txt}. A difference is a decision to take, not noise: check the
 * new findings against the files, then replace the list with the one the failure prints.
 */
class RealWorldFindingsTest {
    private static final Set<String> RULES = Set.of("VL005", "VL401", "VL402", "VL403", "VL404", "VL405", "VL502", "VL503",
            "VL504", "VL505", "VL506");
    private static final Path EXPECTED = ProjectPaths.projectDir().resolve("src/test/resources/real-world-findings.txt");

    @Test
    void findingsMatchTheReviewedList() throws IOException {
        Path corpus = ProjectPaths.corpus().map(c -> c.resolve("real-world")).orElse(null);
        Assumptions.assumeTrue(corpus != null && Files.isDirectory(corpus),
                "../shared/corpus/real-world is absent (a user's clone): real-world findings not checked");
        Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all());
        List<String> actual = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                FileResult result = linter.lint(file, true);
                String findings = result.findings().stream()
                        .filter(finding -> RULES.contains(finding.rule().id()))
                        .map(finding -> finding.rule().id() + "@" + finding.start().line())
                        .collect(Collectors.joining(" "));
                actual.add((file.getFileName() + ": " + findings).strip());
            }
        }
        List<String> expected = Files.readAllLines(EXPECTED, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();
        assertEquals(String.join("\n", expected), String.join("\n", actual),
                "the findings on the real-world corpus changed. If the change is right, replace the entries of "
                        + EXPECTED + " with:\n" + String.join("\n", actual) + "\n");
    }
}
