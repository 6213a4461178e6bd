package dev.virtlint.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.SchemaValidation;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * VL010 against libvirt's own verdict: over the real-world domains and every rule fixture, a file
 * {@code virt-xml-validate} accepts has no VL010 finding, and one it rejects has one, unless virt-lint reports the
 * same fault otherwise (an undeclared namespace prefix, which is VL501's, or a file that does not parse).
 */
class SchemaInvalidTest {
    private static final String RULE = "VL010";

    @Test
    void verdictsAgreeWithVirtXmlValidate() throws Exception {
        Path schema = SchemaValidation.assumeDomainSchema();
        List<Path> files = new ArrayList<>();
        ProjectPaths.corpus().map(corpus -> corpus.resolve("real-world")).filter(Files::isDirectory)
                .ifPresent(realWorld -> files.addAll(xmlFilesUnder(realWorld)));
        files.addAll(xmlFilesUnder(ProjectPaths.testdata().resolve("rules")));
        Map<Path, SchemaValidation.Verdict> libvirt = SchemaValidation.validate(schema, files);
        Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                LintEnvironment.defaults().withLibvirtSchemas(schema.getParent()));

        List<String> disagreements = new ArrayList<>();
        int rejected = 0;
        for (Path file : files) {
            FileResult result = linter.lint(file, true);
            List<Finding> vl010 = result.findings().stream().filter(f -> f.rule().id().equals(RULE)).toList();
            boolean valid = libvirt.get(file).valid();
            if (valid && !vl010.isEmpty()) {
                disagreements.add(file + ": virt-xml-validate accepts it, VL010 says " + vl010.get(0).message());
            }
            if (!valid) {
                rejected++;
                boolean reportedOtherwise = result.error().isPresent() || result.findings().stream()
                        .anyMatch(f -> f.rule().id().equals("VL501") && f.message().contains("never declared"));
                if (vl010.isEmpty() && !reportedOtherwise) {
                    disagreements.add(file + ": virt-xml-validate rejects it (" + libvirt.get(file).errors()
                            + "), VL010 says nothing");
                }
            }
        }
        assertTrue(rejected > 0, "no file the schema rejects among " + files.size() + ": the comparison tests nothing");
        assertEquals(List.of(), disagreements, "VL010 and virt-xml-validate disagree on " + files.size() + " files");
    }

    @Test
    void theMistakeIsReportedAtItsElementWithTheNameMeant() throws IOException {
        SchemaValidation.assumeDomainSchema();
        Path fixture = ProjectPaths.testdata().resolve("rules/VL010/adress.xml");
        List<Finding> findings = new Linter(new SafeXmlLoader(), RuleRegistry.all()).lint(fixture, true).findings()
                .stream().filter(f -> f.rule().id().equals(RULE)).toList();
        assertEquals(1, findings.size(), () -> "findings: " + findings);
        Finding adress = findings.get(0);
        assertEquals(15, adress.start().line());
        assertEquals(7, adress.start().column());
        assertTrue(adress.message().contains("<adress>") && adress.message().contains("did you mean <address>?"),
                adress.message());
    }

    @Test
    void withoutTheSchemasTheCheckIsSkippedAndSaidSo(@TempDir Path noLibvirt) {
        Path fixture = ProjectPaths.testdata().resolve("rules/VL010/adress.xml");
        CliRun run = CliRun.run("--color=never", "--libvirt-schemas", noLibvirt.toString(), fixture.toString());
        assertFalse(run.out().contains(RULE + " schema-invalid"), run.out());
        List<String> skipped = run.out().lines().filter(line -> line.contains(RULE + ": libvirt's domain schema"))
                .toList();
        assertEquals(1, skipped.size(), run.out());
        assertTrue(skipped.get(0).contains(noLibvirt.resolve("domain.rng").toString()), skipped.get(0));
    }

    @Test
    void aDirectoryThatIsNotASchemaIsReportedNotThrown(@TempDir Path broken) throws IOException {
        Files.writeString(broken.resolve("domain.rng"), "<grammar xmlns='http://relaxng.org/ns/structure/1.0'>");
        Path fixture = ProjectPaths.testdata().resolve("rules/VL010/good.xml");
        FileResult result = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                LintEnvironment.defaults().withLibvirtSchemas(broken)).lint(fixture, true);
        Optional<Finding> skipped = result.findings().stream().filter(f -> f.rule().id().equals("VL901")).findFirst();
        assertTrue(skipped.isPresent() && skipped.get().message().contains("cannot be read as a RELAX NG schema"),
                () -> "findings: " + result.findings());
    }

    private static List<Path> xmlFilesUnder(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(file -> file.toString().endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
