package dev.virtlint.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.virtlint.support.ProjectPaths;

/**
 * Every rule says why it should be believed: its doc has an {@code ## Evidence} section, just before
 * {@code ## References}, that names a test in {@code src/test/java} reproducing the failure on the real stack, or
 * cites a public source (an http(s) link, an {@code owner/repo#N} issue, or a source path such as
 * {@code src/qemu/qemu_validate.c}). The README's rule table says which, in its evidence column, and agrees with the
 * registry ("real stack: TestName" for a reproduction, "tests: TestName" for virt-lint's own behaviour, "cited" for
 * public sources). Each failure message says which rule, which file and exactly what is missing.
 */
class RuleEvidenceTest {
    /** A Java test class as docs name it: {@code GpuQemuOracleTest}, {@code GpuQemuOracleTest.someMethod}. */
    private static final Pattern TEST_CLASS = Pattern.compile("\\b[A-Z][A-Za-z0-9]*Tests?\\b");
    private static final Pattern LINK = Pattern.compile("https?://\\S+");
    /** {@code kubevirt/kubevirt#17605}: an issue or pull request on GitHub. */
    private static final Pattern ISSUE = Pattern.compile("\\b[\\w.-]+/[\\w.-]+#\\d+");
    /** {@code src/util/virpci.c}, {@code OvmfPkg/PciHotPlugInitDxe}: a path of at least two segments. */
    private static final Pattern SOURCE_PATH = Pattern.compile(
            "\\b[\\w.-]+(?:/[\\w.-]+)*/[\\w-]+\\.(?:c|h|py|rs|rst|md|java|hx|txt|json|xml|rng|inf|dec|dsc|asl)\\b"
                    + "|`[\\w.-]+(?:/[\\w.-]+)+/?`");
    private static final String HOW = "name the test in src/test/java that reproduces the failure on the real stack"
            + " (e.g. `QemuLayoutOracleTest`), or cite a public source (an http(s) link, an owner/repo#N issue, or a"
            + " source path such as `src/qemu/qemu_validate.c`), and state the exact conditions of the failure";

    @Test
    void everyRuleDocHasAnEvidenceSectionThatNamesATestOrASource() throws IOException {
        Set<String> testClasses = testClasses();
        List<String> problems = new ArrayList<>();
        for (Rule rule : RuleRegistry.all()) {
            RuleMeta meta = rule.meta();
            Path doc = ProjectPaths.projectDir().resolve("rules").resolve(meta.docFileName());
            if (!Files.exists(doc)) {
                continue; // RuleCatalogueTest reports a missing doc
            }
            String where = meta.id() + " (rules/" + meta.docFileName() + "): ";
            String text = Files.readString(doc);
            Optional<String> evidence = section(text, "## Evidence");
            if (evidence.isEmpty()) {
                problems.add(where + "no '## Evidence' section; add one just before '## References': " + HOW);
                continue;
            }
            if (evidence.get().isBlank()) {
                problems.add(where + "the '## Evidence' section is empty: " + HOW);
                continue;
            }
            int references = text.indexOf("\n## References");
            if (references >= 0 && text.indexOf("\n## Evidence") > references) {
                problems.add(where + "'## Evidence' comes after '## References'; move it just before");
            }
            Set<String> named = testClassesNamed(evidence.get());
            Set<String> unknown = new TreeSet<>(named);
            unknown.removeAll(testClasses);
            if (!unknown.isEmpty()) {
                problems.add(where + "'## Evidence' names " + String.join(", ", unknown) + ", which "
                        + (unknown.size() == 1 ? "is not a class" : "are not classes") + " in src/test/java");
            }
            boolean test = named.stream().anyMatch(testClasses::contains);
            if (!test && !cites(evidence.get())) {
                problems.add(where + "'## Evidence' names no test class in src/test/java and cites no http(s) link,"
                        + " owner/repo#N issue or source path: " + HOW);
            }
        }
        assertEquals(List.of(), problems, "rule docs without evidence");
    }

    /**
     * The README's rule table lists every registered rule with its name and severity, and its evidence column
     * ("real stack: TestName, …", "tests: TestName" or "cited", with remarks after a ';' or in parentheses) names
     * only tests that exist and that the doc's Evidence section names, and says "cited" only where the doc cites.
     */
    @Test
    void theReadmesRuleTableMatchesTheRegistryAndTheDocsEvidence() throws IOException {
        Map<String, List<String>> rows = readmeRuleRows();
        Set<String> testClasses = testClasses();
        List<String> problems = new ArrayList<>();
        for (Rule rule : RuleRegistry.all()) {
            RuleMeta meta = rule.meta();
            String where = "README.md, '## Rules', " + meta.id() + ": ";
            List<String> cells = rows.remove(meta.id());
            if (cells == null) {
                problems.add(where + "no row; add '| " + meta.id() + " | " + meta.name() + " | "
                        + severity(meta) + " | what goes wrong | real stack: TestName (or: cited) |'");
                continue;
            }
            if (cells.size() != 5) {
                problems.add(where + "the row has " + cells.size() + " cells, the table 5 (ID, name, severity, what goes"
                        + " wrong, evidence)");
                continue;
            }
            if (!cells.get(1).equals(meta.name())) {
                problems.add(where + "name '" + cells.get(1) + "', the rule's is '" + meta.name() + "'");
            }
            if (!cells.get(2).equals(severity(meta))) {
                problems.add(where + "severity '" + cells.get(2) + "', the rule's is '" + severity(meta) + "'");
            }
            String evidenceCell = cells.get(4);
            Path doc = ProjectPaths.projectDir().resolve("rules").resolve(meta.docFileName());
            String evidence = Files.exists(doc) ? section(Files.readString(doc), "## Evidence").orElse("") : "";
            for (String test : testClassesNamed(evidenceCell)) {
                if (!testClasses.contains(test)) {
                    problems.add(where + "evidence names " + test + ", which is not a class in src/test/java");
                } else if (!testClassesNamed(evidence).contains(test)) {
                    problems.add(where + "evidence names " + test + ", which rules/" + meta.docFileName()
                            + "'s '## Evidence' does not");
                }
            }
            boolean reproduced = evidenceCell.startsWith("real stack:") || evidenceCell.startsWith("tests:");
            if (!reproduced && !evidenceCell.startsWith("cited")) {
                problems.add(where + "evidence '" + evidenceCell + "' starts with neither 'real stack: TestName',"
                        + " 'tests: TestName' nor 'cited'");
            } else if (reproduced && testClassesNamed(evidenceCell.split(";")[0]).isEmpty()) {
                problems.add(where + "evidence '" + evidenceCell + "' names no test class after the colon");
            }
            if (evidenceCell.contains("cited") && !cites(evidence)) {
                problems.add(where + "evidence says 'cited' but rules/" + meta.docFileName() + "'s '## Evidence'"
                        + " has no http(s) link, owner/repo#N issue or source path");
            }
        }
        rows.keySet().forEach(id -> problems.add("README.md, '## Rules': a row for " + id
                + ", which is not a registered rule"));
        assertEquals(List.of(), problems, "README rule table");
    }

    private static String severity(RuleMeta meta) {
        return meta.severity().name().toLowerCase(Locale.ROOT);
    }

    private static boolean cites(String evidence) {
        return LINK.matcher(evidence).find() || ISSUE.matcher(evidence).find()
                || SOURCE_PATH.matcher(evidence).find();
    }

    private static Set<String> testClassesNamed(String text) {
        Set<String> named = new LinkedHashSet<>();
        Matcher matcher = TEST_CLASS.matcher(text);
        while (matcher.find()) {
            named.add(matcher.group());
        }
        return named;
    }

    /** The text from {@code heading} to the next {@code ## } heading, if the doc has that heading. */
    private static Optional<String> section(String markdown, String heading) {
        Matcher start = Pattern.compile("(?m)^" + Pattern.quote(heading) + "\\s*$").matcher(markdown);
        if (!start.find()) {
            return Optional.empty();
        }
        Matcher next = Pattern.compile("(?m)^## ").matcher(markdown);
        int end = next.find(start.end()) ? next.start() : markdown.length();
        return Optional.of(markdown.substring(start.end(), end));
    }

    private static Set<String> testClasses() throws IOException {
        try (Stream<Path> files = Files.walk(ProjectPaths.projectDir().resolve("src/test/java"))) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".java"))
                    .map(name -> name.substring(0, name.length() - ".java".length()))
                    .collect(Collectors.toSet());
        }
    }

    /** Rows of the table under "## Rules", by rule ID, as trimmed cells. */
    private static Map<String, List<String>> readmeRuleRows() throws IOException {
        String readme = Files.readString(ProjectPaths.projectDir().resolve("README.md"));
        String rules = section(readme, "## Rules").orElseThrow(() -> new AssertionError("README.md has no '## Rules'"));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : rules.split("\n")) {
            if (line.startsWith("| VL")) {
                List<String> cells = new ArrayList<>();
                String inner = line.strip();
                inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
                for (String cell : inner.split("\\|", -1)) {
                    cells.add(cell.strip());
                }
                rows.put(cells.get(0), cells);
            }
        }
        return rows;
    }
}
