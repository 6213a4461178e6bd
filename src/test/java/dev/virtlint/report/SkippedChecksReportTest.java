package dev.virtlint.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/**
 * VL901 (checks skipped) is about the run, not a place in a file: every report says it once, however many files
 * lack the same host facts, and a host root that lacks a file is named instead of being told to give one.
 */
class SkippedChecksReportTest {
    private static final Path NEEDS_THE_HOST = ProjectPaths.testdata().resolve("rules/VL901/kvm-without-host-facts.xml");
    private static final String FACT = "whether the host is a laptop (has a battery) and its GPU a 3D controller";

    @TempDir
    Path dir;

    /** Three files that lack the same host facts. */
    private Path threeFiles() throws IOException {
        Path domains = Files.createDirectory(dir.resolve("domains"));
        for (String name : new String[] {"a.xml", "b.xml", "c.xml"}) {
            Files.copy(NEEDS_THE_HOST, domains.resolve(name));
        }
        return domains;
    }

    private static int occurrences(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @Test
    void textSaysItOncePerRun() throws IOException {
        CliRun run = CliRun.run("--color=never", threeFiles().toString());
        assertEquals(1, occurrences(run.out(), "VL901"), run.out());
        assertTrue(run.out().contains("info VL901 checks-skipped: not checked in all 3 files — "), run.out());
        assertTrue(run.out().contains("Give --host-root DIR"), run.out());
        long infosShown = run.out().lines().filter(line -> line.contains("info VL")).count();
        long shown = run.out().lines().filter(line -> line.matches(".*\\b(error|warning|info) VL\\d{3} .*")).count();
        assertTrue(run.err().contains(infosShown + (infosShown == 1 ? " info" : " infos") + ") in 3 files"),
                "VL901 counted once, as it is shown: " + run.err());
        assertTrue(run.err().contains("Found " + shown + " problem"), "and in the total: " + run.err());
    }

    @Test
    void githubGetsOneNoticeForTheRun() throws IOException {
        CliRun run = CliRun.run("--format", "github", threeFiles().toString());
        assertEquals(1, occurrences(run.out(), "VL901"), run.out());
        assertTrue(run.out().contains("::notice title=VL901 checks-skipped::not checked in all 3 files"), run.out());
    }

    @Test
    void sarifMakesItARunLevelNotification() throws IOException {
        CliRun run = CliRun.run("--format", "sarif", threeFiles().toString());
        JsonNode sarifRun = new ObjectMapper().readTree(run.out()).get("runs").get(0);
        for (JsonNode result : sarifRun.get("results")) {
            assertFalse(result.get("ruleId").asText().equals("VL901"), "no result per file: " + result);
        }
        JsonNode notifications = sarifRun.get("invocations").get(0).get("toolExecutionNotifications");
        assertEquals(1, notifications.size(), notifications.toString());
        JsonNode notification = notifications.get(0);
        assertEquals("VL901", notification.get("associatedRule").get("id").asText());
        assertEquals("note", notification.get("level").asText());
        assertTrue(notification.get("message").get("text").asText().startsWith("not checked in all 3 files — "));
        assertEquals(3, notification.get("locations").size(), "every file it concerns");
        assertTrue(sarifRun.get("invocations").get(0).get("executionSuccessful").asBoolean());
    }

    /** JSON keeps each file's finding (which facts that file lacked) and adds the run's one note to the summary. */
    @Test
    void jsonKeepsEachFileAndSummarisesTheRun() throws IOException {
        CliRun run = CliRun.run("--format", "json", threeFiles().toString());
        JsonNode report = new ObjectMapper().readTree(run.out());
        for (JsonNode file : report.get("files")) {
            JsonNode vl901 = null;
            for (JsonNode finding : file.get("findings")) {
                if (finding.get("rule").asText().equals("VL901")) {
                    vl901 = finding;
                }
            }
            assertTrue(vl901 != null && vl901.get("data").get("gaps").get(0).get("rules").size() > 0, file.toString());
            assertFalse(vl901.get("data").get("hostRoot").asBoolean());
        }
        JsonNode summary = report.get("summary").get("checksSkipped");
        assertEquals(3, summary.get("files").size(), summary.toString());
        assertTrue(summary.get("message").asText().contains(FACT), summary.toString());
    }

    @Test
    void aHostRootThatLacksAFileIsNamedNotAskedFor() throws IOException {
        Path host = dir.resolve("host");
        Path captured = ProjectPaths.testdata().resolve("hosts/amd-epyc-2gpu");
        try (Stream<Path> files = Files.walk(captured)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path copy = host.resolve(captured.relativize(file).toString());
                if (!file.startsWith(captured.resolve("sys/class/power_supply"))) {
                    Files.copy(file, copy);
                }
            }
        }
        CliRun run = CliRun.run("--color=never", "--host-root", host.toString(),
                ProjectPaths.testdata().resolve("example-win11.xml").toString());
        assertTrue(run.out().contains("info VL901 checks-skipped: not checked — VL405: whether the host is a laptop"
                + " (has a battery) and its GPU a 3D controller: the captured host has no sys/class/power_supply;"
                + " VL605: the ROM file /var/lib/libvirt/vbios/patched.rom (a capture records the files the host's own"
                + " domains name and those in /usr/share/vgabios). Capture the host again with 'virt-lint host-facts"
                + " --snapshot' on it to check them"), run.out());
        assertFalse(run.out().contains("Give --host-root"), "--host-root was given: " + run.out());
    }
}
