package dev.virtlint.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.schema.DomainSchema;
import dev.virtlint.support.CapturedHosts;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * The precision report: how many findings of each rule, per severity, the real GPU domains of
 * {@code ../shared/corpus/real-world/} get with no host facts and against each captured host, compared with
 * {@code bench/precision-real-world.txt}. Noise is what makes people stop reading a linter; a rule that starts
 * warning on more real files shows up here as a diff to review, not as a surprise to users.
 */
class RealWorldPrecisionTest {
    static final Path REPORT = ProjectPaths.projectDir().resolve("bench/precision-real-world.txt");
    private static final String HEADER = """
            # Findings per rule and severity on ../shared/corpus/real-world/ (37 GPU domains written by their users),
            # default target stack (QEMU 10.0 or the newer release a machine type names, libvirt 11.3), with no host
            # facts (every span of OVMF releases from 2022.02) and against each captured host of testdata/hosts/
            # (OVMF 2022.11). Kept by RealWorldPrecisionTest:
            # when it fails, review the change (is every new warning or error one a QEMU/libvirt maintainer would
            # accept?) and replace this file's lines with those the failure prints.
            # setting            rule   error warning  info  files
            """;

    @Test
    void findingsPerRuleAndSeverityMatchTheReviewedReport() throws IOException {
        Path corpus = ProjectPaths.corpus().map(c -> c.resolve("real-world")).orElse(null);
        Assumptions.assumeTrue(corpus != null && Files.isDirectory(corpus),
                "../shared/corpus/real-world is absent (a user's clone): precision report not checked");
        Assumptions.assumeFalse(DomainSchema.notInstalledHere(DomainSchema.INSTALLED),
                "libvirt's schemas are not installed here, so VL010's lines cannot be counted: precision report not"
                        + " checked");
        List<Path> files;
        try (Stream<Path> list = Files.list(corpus)) {
            files = list.filter(f -> f.toString().endsWith(".xml")).sorted().toList();
        }
        Map<String, LintEnvironment> settings = new LinkedHashMap<>();
        // As a command line that names nothing: every span of OVMF releases for a UEFI guest.
        settings.put("no-host-facts", LintEnvironment.defaults().withOvmfAssumed());
        for (String host : CapturedHosts.names()) {
            settings.put(host, LintEnvironment.of(TargetStack.defaults(), Optional.of(CapturedHosts.read(host))));
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, LintEnvironment> setting : settings.entrySet()) {
            Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(), setting.getValue());
            Map<String, int[]> counts = new TreeMap<>();
            Map<String, Set<Path>> filesPerRule = new TreeMap<>();
            for (Path file : files) {
                FileResult result = linter.lint(file, true);
                for (Finding finding : result.findings()) {
                    String rule = finding.rule().id();
                    counts.computeIfAbsent(rule, r -> new int[3])[finding.severity().ordinal()]++;
                    filesPerRule.computeIfAbsent(rule, r -> new HashSet<>()).add(file);
                }
            }
            counts.forEach((rule, bySeverity) -> lines.add(String.format("%-20s %-6s %5d %7d %5d %6d", setting.getKey(),
                    rule, bySeverity[Severity.ERROR.ordinal()], bySeverity[Severity.WARNING.ordinal()],
                    bySeverity[Severity.INFO.ordinal()], filesPerRule.get(rule).size())));
        }
        String actual = HEADER + String.join("\n", lines) + "\n";
        String expected = Files.exists(REPORT) ? Files.readString(REPORT, StandardCharsets.UTF_8) : "";
        assertEquals(expected, actual, "the findings on the real-world corpus changed: review them, then replace "
                + REPORT + " with:\n" + actual);
    }
}
