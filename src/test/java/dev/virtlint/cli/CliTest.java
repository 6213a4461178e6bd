package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

class CliTest {
    private static final String CLEAN = "<domain type='qemu'><name>ok</name><memory unit='GiB'>4</memory>"
            + "<os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os></domain>\n";
    private static final String UNDECLARED = "<domain type='qemu'>\n  <name>x</name>\n"
            + "  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\n"
            + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n</domain>\n";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void cleanFileExitsZero() throws IOException {
        CliRun run = CliRun.run(write("ok.xml", CLEAN).toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().contains("No problems found in 1 file"), run.err());
    }

    @Test
    void findingIsPrintedAsFileLineColumnAndExitsOne() throws IOException {
        Path file = write("bad.xml", UNDECLARED);
        CliRun run = CliRun.run("--color=never", file.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.out().startsWith(file + ":3:3: error VL501 qemu-namespace-undeclared: libvirt silently drops"),
                run.out());
        assertTrue(run.err().contains("Found 1 problem (1 error, 0 warnings, 0 infos) in 1 file"), run.err());
    }

    @Test
    void failOnControlsTheExitCode() throws IOException {
        Path file = write("bad.xml", UNDECLARED);
        assertEquals(0, CliRun.run("--fail-on", "never", file.toString()).exitCode());
        assertEquals(1, CliRun.run("--fail-on", "warning", file.toString()).exitCode());
        assertEquals(1, CliRun.run("--fail-on=info", file.toString()).exitCode());
    }

    @Test
    void jsonReportFollowsTheContract() throws IOException {
        Path file = write("bad.xml", UNDECLARED);
        CliRun run = CliRun.run("--format", "json", file.toString(), write("ok.xml", CLEAN).toString());
        assertEquals(1, run.exitCode());
        JsonNode json = new ObjectMapper().readTree(run.out());
        JsonNode finding = json.at("/files/0/findings/0");
        assertEquals("VL501", finding.get("rule").asText());
        assertEquals("qemu-namespace-undeclared", finding.get("name").asText());
        assertEquals("error", finding.get("severity").asText());
        assertEquals(3, finding.get("line").asInt());
        assertEquals(3, finding.get("column").asInt());
        assertTrue(finding.get("data").isObject());
        JsonNode edit = finding.at("/fix/edits/0");
        assertEquals(UNDECLARED.indexOf('>'), edit.get("start").asInt());
        assertEquals(0, json.at("/files/1/findings").size());
        assertEquals(2, json.at("/summary/files").asInt());
        assertEquals(1, json.at("/summary/errors").asInt());
        assertEquals(1, json.at("/summary/findings").asInt());
    }

    @Test
    void standardInputUsesTheGivenName() {
        CliRun run = CliRun.runWithInput(UNDECLARED.getBytes(StandardCharsets.UTF_8), "--stdin-filename", "vm.xml",
                "-");
        assertEquals(1, run.exitCode());
        assertTrue(run.out().startsWith("vm.xml:3:3: error VL501"), run.out());
    }

    @Test
    void directoriesAreWalkedAndNonDomainXmlIsSkipped() throws IOException {
        write("a/vm1.xml", UNDECLARED);
        write("a/b/vm2.xml", CLEAN);
        write("a/b/network.xml", "<network><name>default</name></network>");
        write("a/notes.txt", "not xml");
        CliRun run = CliRun.run("-v", dir.resolve("a").toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("in 2 files"), run.err());
        assertTrue(run.err().contains("skipped 1 XML file that is not a domain"), run.err());
        assertTrue(run.err().contains("network.xml: skipped"), run.err());
    }

    @Test
    void malformedInputIsOneLineAndExitTwoButOtherFilesAreStillLinted() throws IOException {
        Path broken = write("broken.xml", "<domain>\n  <name>x</name>\n");
        Path bad = write("bad.xml", UNDECLARED);
        CliRun run = CliRun.run(broken.toString(), bad.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains(broken + ":3:1: malformed XML:"), run.err());
        assertTrue(run.out().contains("VL501"), "the second file was still linted");
        assertFalse(run.err().contains("Exception"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aNamedNonDomainFileIsAnError() throws IOException {
        CliRun run = CliRun.run(write("net.xml", "<network/>").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("net.xml:1:1: not a libvirt domain: the root element is <network>"), run.err());
    }

    @Test
    void missingFileIsExitTwo() {
        CliRun run = CliRun.run(dir.resolve("nope.xml").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("nope.xml:1:1: cannot read: no such file"), run.err());
    }

    @Test
    void usageErrorsAreExitTwo() {
        assertEquals(2, CliRun.run().exitCode());
        CliRun unknown = CliRun.run("--frobnicate", "x.xml");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Unknown option: '--frobnicate'"), unknown.err());
        assertEquals(2, CliRun.run("--format", "yaml", "x.xml").exitCode());
    }

    @Test
    void quietPrintsFindingsOnly() throws IOException {
        CliRun run = CliRun.run("-q", write("bad.xml", UNDECLARED).toString());
        assertEquals("", run.err());
        assertEquals(1, run.out().lines().count());
    }

    @Test
    void rulesListsEveryRuleAndExplainPrintsItsDoc() {
        CliRun rules = CliRun.run("rules");
        assertEquals(0, rules.exitCode());
        assertTrue(rules.out().contains("VL501  qemu-namespace-undeclared"), rules.out());
        CliRun explain = CliRun.run("explain", "VL501");
        assertEquals(0, explain.exitCode());
        assertTrue(explain.out().startsWith("# VL501 qemu-namespace-undeclared"), explain.out());
        assertEquals(explain.out(), CliRun.run("explain", "qemu-namespace-undeclared").out());
        assertEquals(2, CliRun.run("explain", "VL999").exitCode());
    }

    @Test
    void versionAndHelp() {
        CliRun version = CliRun.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("virt-lint "), version.out());
        CliRun help = CliRun.run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("Examples:"), help.out());
        assertTrue(help.out().contains("Exit status:"), help.out());
    }

    @Test
    void theReadmeExampleRuns() {
        CliRun run = CliRun.run(ProjectPaths.testdata().resolve("example-win11.xml").toString());
        assertTrue(run.exitCode() == 0 || run.exitCode() == 1, run.err());
    }
}
