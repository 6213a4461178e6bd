package dev.virtlint.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.support.CliRun;

/** --format and -o pair up in command-line order, so one run writes several reports. */
class ReportOutputsTest {
    private static final String UNDECLARED = "<domain type='qemu'>\n  <name>x</name>\n"
            + "  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\n"
            + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n</domain>\n";

    @TempDir
    Path dir;

    @Test
    void textOnTheTerminalSarifAndJsonInFiles() throws IOException {
        Path file = dir.resolve("vm.xml");
        Files.writeString(file, UNDECLARED);
        Path sarif = dir.resolve("report.sarif");
        Path json = dir.resolve("report.json");
        CliRun run = CliRun.run("--color=never", "--format", "text", "--format", "sarif", "-o", sarif.toString(),
                "--format=json", "--output", json.toString(), file.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.out().startsWith(file + ":3:3: error VL501"), run.out());
        assertEquals("VL501", new ObjectMapper().readTree(sarif.toFile()).at("/runs/0/results/0/ruleId").asText());
        assertEquals("VL501", new ObjectMapper().readTree(json.toFile()).at("/files/0/findings/0/rule").asText());
    }

    @Test
    void textToAFileHoldsTheSummaryToo() throws IOException {
        Path file = dir.resolve("vm.xml");
        Files.writeString(file, UNDECLARED);
        Path text = dir.resolve("report.txt");
        CliRun run = CliRun.run("--format", "text", "-o", text.toString(), file.toString());
        assertEquals("", run.out());
        String report = Files.readString(text);
        assertTrue(report.contains(":3:3: error VL501") && report.contains("Found 1 problem"), report);
        assertTrue(!report.contains("\u001B["), "no colour in a file");
    }

    @Test
    void pairingMistakesAreUsageErrors() throws IOException {
        Path file = dir.resolve("vm.xml");
        Files.writeString(file, UNDECLARED);
        CliRun outputFirst = CliRun.run("-o", dir.resolve("r").toString(), file.toString());
        assertEquals(2, outputFirst.exitCode());
        assertTrue(outputFirst.err().contains("--format"), outputFirst.err());
        CliRun twoOnStdout = CliRun.run("--format", "json", "--format", "sarif", file.toString());
        assertEquals(2, twoOnStdout.exitCode());
        assertTrue(twoOnStdout.err().contains("only one report can go to standard output"), twoOnStdout.err());
        assertEquals(2, CliRun.run("--format", "sarif", "-o", dir.resolve("no/such/dir/r.sarif").toString(),
                file.toString()).exitCode());
    }
}
