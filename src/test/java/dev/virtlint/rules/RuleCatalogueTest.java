package dev.virtlint.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.virtlint.support.ProjectPaths;

/** Every registered rule is complete: unique ID and name, a doc with every section, and fixtures. */
class RuleCatalogueTest {
    private static final List<String> SECTIONS = List.of("## What it does", "## Why it matters", "## Example",
            "## Fixed", "## Fix safety", "## Versions", "## References");

    @Test
    void idsAndNamesAreUniqueAndWellFormed() {
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Rule rule : RuleRegistry.all()) {
            RuleMeta meta = rule.meta();
            assertTrue(meta.id().matches("VL\\d{3}"), meta.id());
            assertTrue(meta.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), meta.name());
            assertTrue(ids.add(meta.id()), "duplicate " + meta.id());
            assertTrue(names.add(meta.name()), "duplicate " + meta.name());
        }
    }

    @Test
    void everyRuleHasADocWithEverySection() {
        for (Rule rule : RuleRegistry.all()) {
            String doc = RuleDocs.markdown(rule.meta()).orElseThrow(
                    () -> new AssertionError("no rules/" + rule.meta().docFileName()));
            assertTrue(doc.startsWith("# " + rule.meta().id() + " " + rule.meta().name()), rule.meta().id());
            for (String section : SECTIONS) {
                assertTrue(doc.contains(section), rule.meta().id() + " doc lacks " + section);
            }
        }
    }

    @Test
    void everyDocBelongsToARegisteredRule() throws IOException {
        Set<String> expected = new HashSet<>();
        RuleRegistry.all().forEach(rule -> expected.add(rule.meta().docFileName()));
        try (Stream<Path> docs = Files.list(ProjectPaths.projectDir().resolve("rules"))) {
            Set<String> actual = new HashSet<>();
            docs.forEach(doc -> actual.add(doc.getFileName().toString()));
            assertEquals(expected, actual);
        }
    }

    @Test
    void everyRuleHasABadAndAGoodFixture() throws IOException {
        for (Rule rule : RuleRegistry.all()) {
            Path dir = ProjectPaths.testdata().resolve("rules").resolve(rule.meta().id());
            assertTrue(Files.isDirectory(dir), "no fixtures in " + dir);
            boolean bad = false;
            boolean good = false;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    String text = Files.readString(file);
                    bad |= text.contains("expect: " + rule.meta().id());
                    good |= text.contains("expect-none: " + rule.meta().id());
                }
            }
            assertTrue(bad && good, rule.meta().id() + " needs a fixture with a finding and one without");
        }
    }
}
