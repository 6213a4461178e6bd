package dev.virtlint.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/** The SARIF report is valid SARIF 2.1.0 and carries everything GitHub code scanning requires. */
class SarifReportTest {
    private static final String UNDECLARED = "<domain type='qemu'>\n  <name>x</name>\n"
            + "  <memory unit='GiB'>4</memory>\n"
            + "  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\n"
            + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n</domain>\n";

    private static JsonSchema schema;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = SarifReportTest.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in,
                    SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        }
    }

    private JsonNode sarif(String... args) throws IOException {
        Path report = dir.resolve("report.sarif");
        String[] all = new String[args.length + 4];
        all[0] = "--format";
        all[1] = "sarif";
        all[2] = "-o";
        all[3] = report.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        CliRun run = CliRun.run(all);
        assertTrue(run.exitCode() <= 2, run.err());
        return new ObjectMapper().readTree(Files.readString(report));
    }

    private static void assertValid(JsonNode log) {
        Set<ValidationMessage> errors = schema.validate(log);
        assertTrue(errors.isEmpty(), "SARIF schema violations: " + errors);
    }

    @Test
    void reportWithFindingsFixesAndALoadErrorIsValidSarif() throws IOException {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, UNDECLARED);
        Path broken = dir.resolve("broken.xml");
        Files.writeString(broken, "<domain>\n");
        JsonNode log = sarif("--accel", "tcg", bad.toString(), broken.toString(),
                ProjectPaths.testdata().resolve("rules/VL102/epyc-hotplug.xml").toString(),
                ProjectPaths.testdata().resolve("example-win11.xml").toString());
        assertValid(log);
        JsonNode run = log.at("/runs/0");
        JsonNode notifications = run.at("/invocations/0/toolExecutionNotifications");
        assertEquals(1, notifications.findValuesAsText("level").stream().filter("error"::equals).count(),
                "the malformed file: " + notifications);
        assertEquals("VL901", notifications.get(1).at("/associatedRule/id").asText(), "and the checks skipped, once");
        assertFalse(run.at("/invocations/0/executionSuccessful").asBoolean());
        assertTrue(run.at("/results").size() >= 2, run.toString());
    }

    @Test
    void everyFieldGithubRequiresIsPresentAndNotEmpty() throws IOException {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, UNDECLARED);
        JsonNode log = sarif("--accel", "tcg", bad.toString(),
                ProjectPaths.testdata().resolve("rules/VL102/epyc-hotplug.xml").toString());
        assertValid(log);
        assertEquals("2.1.0", log.get("version").asText());
        assertFalse(log.get("$schema").asText().isEmpty());
        JsonNode run = log.at("/runs/0");
        assertEquals("virt-lint", run.at("/tool/driver/name").asText());
        assertEquals("unicodeCodePoints", run.get("columnKind").asText());
        JsonNode rules = run.at("/tool/driver/rules");
        List<Rule> registered = RuleRegistry.all();
        assertEquals(registered.size(), rules.size(), "every rule is described");
        Set<String> ids = new HashSet<>();
        for (JsonNode rule : rules) {
            ids.add(rule.get("id").asText());
            for (String field : List.of("/name", "/shortDescription/text", "/fullDescription/text", "/help/text",
                    "/help/markdown", "/defaultConfiguration/level")) {
                assertFalse(rule.at(field).asText().isBlank(), rule.get("id") + " lacks " + field);
            }
        }
        registered.forEach(rule -> assertTrue(ids.contains(rule.meta().id()), rule.meta().id()));
        assertTrue(rules.get(0).at("/help/markdown").asText().contains("## Why it matters"));

        JsonNode results = run.get("results");
        assertTrue(results.size() >= 2);
        for (JsonNode result : results) {
            assertFalse(result.at("/message/text").asText().isBlank());
            assertTrue(ids.contains(result.get("ruleId").asText()));
            assertEquals(result.get("ruleId").asText(),
                    rules.get(result.get("ruleIndex").asInt()).get("id").asText());
            JsonNode region = result.at("/locations/0/physicalLocation/region");
            for (String field : List.of("startLine", "startColumn", "endLine", "endColumn")) {
                assertTrue(region.get(field).asInt() >= 1, field + " in " + result);
            }
            assertFalse(result.at("/locations/0/physicalLocation/artifactLocation/uri").asText().isBlank());
            assertTrue(result.at("/locations/0/logicalLocations/0/fullyQualifiedName").asText().startsWith("/domain"));
            assertTrue(result.at("/partialFingerprints/primaryLocationLineHash").asText().matches("[0-9a-f]{16}:\\d+"));
        }
    }

    @Test
    void aFindingCarriesItsRegionElementPathAndFix() throws IOException {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, UNDECLARED);
        JsonNode log = sarif("--accel", "tcg", bad.toString());
        JsonNode result = null;
        for (JsonNode candidate : log.at("/runs/0/results")) {
            if (candidate.get("ruleId").asText().equals("VL501")) {
                result = candidate;
            }
        }
        assertTrue(result != null, log.toString());
        assertEquals("error", result.get("level").asText());
        JsonNode region = result.at("/locations/0/physicalLocation/region");
        assertEquals(4, region.get("startLine").asInt());
        assertEquals(3, region.get("startColumn").asInt());
        assertEquals("/domain/qemu:commandline",
                result.at("/locations/0/logicalLocations/0/fullyQualifiedName").asText());
        JsonNode change = result.at("/fixes/0/artifactChanges/0");
        assertEquals(result.at("/locations/0/physicalLocation/artifactLocation/uri").asText(),
                change.at("/artifactLocation/uri").asText());
        JsonNode replacement = change.at("/replacements/0");
        assertEquals(1, replacement.at("/deletedRegion/startLine").asInt());
        assertEquals(replacement.at("/deletedRegion/startColumn").asInt(),
                replacement.at("/deletedRegion/endColumn").asInt(), "an insertion is an empty region");
        assertTrue(replacement.at("/insertedContent/text").asText().contains("xmlns:qemu="));
    }

    @Test
    void fingerprintsStayWhenLinesMove() throws IOException {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, UNDECLARED);
        JsonNode before = sarif("--accel", "tcg", bad.toString());
        Files.writeString(bad, UNDECLARED.replace("<name>x</name>\n", "<name>x</name>\n\n\n  <description>moved</description>\n"));
        JsonNode after = sarif("--accel", "tcg", bad.toString());
        assertEquals(before.at("/runs/0/results/0/partialFingerprints"), after.at("/runs/0/results/0/partialFingerprints"));
        assertTrue(after.at("/runs/0/results/0/locations/0/physicalLocation/region/startLine").asInt()
                > before.at("/runs/0/results/0/locations/0/physicalLocation/region/startLine").asInt());
    }
}
