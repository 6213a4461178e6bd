package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/**
 * A definition naming an upstream machine type newer than virt-lint's default QEMU was written for a QEMU at least
 * that new: where nothing names the host's QEMU, the run targets that release and says so.
 */
class QemuVersionDefaultTest {
    /** VL501 (the qemu namespace is not declared) fires whatever the QEMU, so its data shows the assumption. */
    private static final String DOMAIN = """
            <domain type='qemu'>
              <name>from-a-qemu-11.1-host</name>
              <memory unit='GiB'>4</memory>
              <os><type arch='x86_64' machine='MACHINE'>hvm</type></os>
              <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>
            </domain>
            """;

    @TempDir
    Path dir;

    private Path domain(String machine) throws IOException {
        Files.createDirectories(dir.resolve("repo/.git"));
        Path file = dir.resolve("repo/" + machine + ".xml");
        Files.writeString(file, DOMAIN.replace("MACHINE", machine));
        return file;
    }

    private static JsonNode findings(CliRun run) throws IOException {
        return new ObjectMapper().readTree(run.out()).at("/files/0/findings");
    }

    private static JsonNode finding(CliRun run, String rule) throws IOException {
        for (JsonNode finding : findings(run)) {
            if (finding.get("rule").asText().equals(rule)) {
                return finding;
            }
        }
        throw new AssertionError("no " + rule + " in " + run.out());
    }

    @Test
    void withNothingNamingTheQemuTheMachineTypesReleaseIsTargeted() throws IOException {
        CliRun run = CliRun.run("--format", "json", domain("pc-q35-11.1").toString());
        assertFalse(run.out().contains("\"VL001\""), run.out());
        JsonNode data = finding(run, "VL501").get("data");
        assertEquals("11.1", data.get("qemuVersion").asText());
        assertTrue(data.get("qemuVersionAssumed").asText().startsWith("QEMU 11.1 assumed: the first release that"
                + " registers pc-q35-11.1, which the domain names (virt-lint's default is 10.0); nothing names the"
                + " host's QEMU (give --qemu-version"), data.toString());

        CliRun text = CliRun.run("--color=never", domain("pc-q35-11.1").toString());
        assertTrue(text.err().contains("virt-lint: note: " + domain("pc-q35-11.1") + ": QEMU 11.1 assumed: the first"
                + " release that registers pc-q35-11.1"), text.err());
        assertFalse(CliRun.run("--color=never", "-q", domain("pc-q35-11.1").toString()).err().contains("note"));

        CliRun sarif = CliRun.run("--format", "sarif", domain("pc-q35-11.1").toString());
        assertTrue(sarif.out().contains("\"qemuVersionAssumed\" : \"QEMU 11.1 assumed"), sarif.out());
    }

    @Test
    void aTypeAtOrBelowTheDefaultChangesNothing() throws IOException {
        JsonNode data = finding(CliRun.run("--format", "json", domain("pc-q35-9.2").toString()), "VL501").get("data");
        assertFalse(data.has("qemuVersionAssumed"), data.toString());
    }

    @Test
    void qemuVersionOnTheCommandLineWins() throws IOException {
        CliRun run = CliRun.run("--color=never", "--qemu-version", "10.0", domain("pc-q35-11.1").toString());
        assertTrue(run.out().contains("error VL001 unknown-machine-type: QEMU 10.0 does not register 'pc-q35-11.1'"),
                run.out());
        assertFalse(run.out().contains("assumed"), run.out());
    }

    @Test
    void qemuVersionInTheConfigurationWins() throws IOException {
        Path file = domain("pc-q35-11.1");
        Files.writeString(dir.resolve("repo/.virt-lint.yaml"), "qemu-version: 10.2\n");
        CliRun run = CliRun.run("--color=never", file.toString());
        assertTrue(run.out().contains("QEMU 10.2 does not register 'pc-q35-11.1'"), run.out());
    }

    @Test
    void aHostsQemuWins() throws IOException {
        Path host = ProjectPaths.testdata().resolve("hosts").resolve("amd-epyc-2gpu");
        CliRun run = CliRun.run("--color=never", "--host-root", host.toString(), domain("pc-q35-11.1").toString());
        assertTrue(run.out().contains("QEMU 6.2 does not register 'pc-q35-11.1'"), run.out());
    }

    @Test
    void aHostRootThatDoesNotNameItsQemuLeavesItAssumed() throws IOException {
        Path host = Files.createDirectories(dir.resolve("host"));
        Files.writeString(host.resolve("virt-lint-stack.properties"), "libvirt=11.3.0\n");
        CliRun run = CliRun.run("--format", "json", "--host-root", host.toString(), domain("pc-q35-11.1").toString());
        assertFalse(run.out().contains("\"VL001\""), run.out());
        assertEquals("11.1", finding(run, "VL501").at("/data/qemuVersion").asText());
    }

    @Test
    void aTypeNewerThanEveryKnownReleaseIsStillUnknown() throws IOException {
        CliRun run = CliRun.run("--color=never", domain("pc-q35-12.1").toString());
        assertTrue(run.out().contains("error VL001 unknown-machine-type: 'pc-q35-12.1' is newer than QEMU 11.1, the"
                + " newest release virt-lint knows: no released QEMU registers it"), run.out());
        assertTrue(CliRun.run("--color=never", domain("pc-q35-10.3").toString()).out()
                .contains("no QEMU build defines a machine type named 'pc-q35-10.3'"));
    }

    @Test
    void theMapSaysWhichQemuItAssumed() throws IOException {
        CliRun text = CliRun.run("map", domain("pc-q35-11.1").toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("machine   pc-q35-11.1 on QEMU 11.1 (tcg)\nqemu      QEMU 11.1 assumed: the"
                + " first release that registers pc-q35-11.1"), text.out());
        JsonNode json = new ObjectMapper().readTree(CliRun.run("map", "--format", "json",
                domain("pc-q35-11.1").toString()).out());
        assertEquals("11.1", json.get("qemuVersion").asText());
        assertTrue(json.get("qemuVersionAssumed").asText().startsWith("QEMU 11.1 assumed"), json.toString());
        assertEquals("current", json.at("/machine/registration").asText());

        JsonNode named = new ObjectMapper().readTree(CliRun.run("map", "--format", "json", "--qemu-version", "11.1",
                domain("pc-q35-11.1").toString()).out());
        assertTrue(named.get("qemuVersionAssumed").isNull(), named.toString());
    }
}
