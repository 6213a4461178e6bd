package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/** {@code virt-lint hook run} as libvirt calls it: arguments, each operation, the configuration, failures. */
class HookRunCommandTest {
    /** An error on every host: QEMU refuses the 1 TiB hotplug region with EPYC's 40 phys-bits. */
    static final String PHYS_BITS_TOO_LOW = """
            <domain type='qemu'>
              <name>bad</name>
              <maxMemory slots='1' unit='GiB'>1024</maxMemory>
              <memory unit='MiB'>128</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
              <cpu mode='custom'><model>EPYC</model><numa><cell id='0' cpus='0' memory='128' unit='MiB'/></numa></cpu>
              <devices><memballoon model='none'/></devices>
            </domain>
            """;
    static final String CLEAN = """
            <domain type='qemu'>
              <name>clean</name>
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
              <devices><memballoon model='none'/></devices>
            </domain>
            """;

    @TempDir
    Path dir;

    private CliRun hook(String xml, String... args) {
        return hookReading(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), args);
    }

    private CliRun hookReading(InputStream stdin, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "hook";
        all[1] = "run";
        all[2] = "--host-root";
        all[3] = ProjectPaths.testdata().resolve("hosts/intel-desktop-39bit").toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return CliRun.runWithInput(stdin, all);
    }

    private String config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("hook.yaml"), yaml).toString();
    }

    private String noConfig() {
        return dir.resolve("absent.yaml").toString();
    }

    @Test
    void everyOperationButPrepareBeginExitsZeroWithoutReadingTheXml() {
        String[][] calls = {{"start", "begin"}, {"started", "begin"}, {"stopped", "end"}, {"release", "end"},
            {"migrate", "begin"}, {"restore", "begin"}, {"reconnect", "begin"}, {"attach", "begin"}, {"prepare", "end"}};
        for (String[] call : calls) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            InputStream untouchable = new InputStream() {
                @Override
                public int read() {
                    throw new AssertionError("read standard input at " + call[0] + " " + call[1]);
                }
            };
            int code = Main.run(new String[] {"hook", "run", "--config", noConfig(), "vm", call[0], call[1], "-"},
                    untouchable, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, call[0] + " " + call[1] + ": " + err);
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void libvirtsFourArgumentsAreRequired() {
        CliRun run = hook(CLEAN, "vm", "prepare");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("virt-lint: Missing required parameters: 'SUBOP', 'EXTRA'"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void anErrorStopsTheStartAndSaysHowToFixTheDefinition() {
        CliRun run = hook(PHYS_BITS_TOO_LOW, "--config", noConfig(), "bad", "prepare", "begin", "-");
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("virt-lint: guest 'bad' was not started: 1 problem in its definition\n"),
                run.err());
        assertTrue(run.err().contains("  error VL101 phys-bits-too-low at /domain/maxMemory: "), run.err());
        assertTrue(run.err().contains("virsh dumpxml --inactive bad > bad.xml && virt-lint --host-root / --fix"
                + " --unsafe-fixes bad.xml && virsh define bad.xml"), "this 39-bit host cannot take 42 phys-bits, so"
                + " the fix lowers <maxMemory>, an unsafe fix: " + run.err());
        assertFalse(run.err().contains("VL102"), "information does not block and is not shown: " + run.err());
        assertEquals("", run.out());
    }

    @Test
    void theReportIsUtf8EvenWhereTheLocaleIsC() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"hook", "run", "--host-root",
            ProjectPaths.testdata().resolve("hosts/intel-desktop-39bit").toString(), "--config", noConfig(), "bad",
            "prepare", "begin", "-"}, new ByteArrayInputStream(PHYS_BITS_TOO_LOW.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.US_ASCII),
                new PrintStream(err, true, StandardCharsets.US_ASCII));
        assertEquals(1, code);
        String report = err.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("phys-bits) \u2014 QEMU says"), report);
    }

    @Test
    void aCleanGuestStartsSilently() {
        CliRun run = hook(CLEAN, "--config", noConfig(), "clean", "prepare", "begin", "-");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
    }

    @Test
    void libvirtsSchemaIsNotCheckedAgainOnXmlLibvirtWrote() {
        CliRun run = hook(CLEAN.replace("  <devices>", "  <frobnicate/>\n  <devices>"), "--config", noConfig(), "clean",
                "prepare", "begin", "-");
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void blockOnInfoStopsOnInformationToo() throws IOException {
        CliRun run = hook(PHYS_BITS_TOO_LOW, "--config", config("block-on: info\n"), "bad", "prepare", "begin", "-");
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("2 problems"), run.err());
        assertTrue(run.err().contains("info VL102 amd-1tb-relocation"), run.err());
    }

    @Test
    void aSkippedGuestStartsUncheckedWithoutReadingTheXml() throws IOException {
        CliRun run = hook("not even XML", "--config", config("skip-domains: [bad, other]\n"), "bad", "prepare",
                "begin", "-");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
    }

    @Test
    void theGuestsOwnMetadataSuppressionsApply() {
        String suppressed = PHYS_BITS_TOO_LOW.replace("  <maxMemory", "  <metadata><vl:lint"
                + " xmlns:vl='https://virt-lint.dev/xmlns/lint/1'><vl:ignore rule='VL101' reason='known'/></vl:lint>"
                + "</metadata>\n  <maxMemory");
        CliRun run = hook(suppressed, "--config", noConfig(), "bad", "prepare", "begin", "-");
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void anUnreadableConfigurationFailsOpenByDefault() throws IOException {
        String broken = config("block-on: [error\n");
        CliRun run = hook(PHYS_BITS_TOO_LOW, "--config", broken, "bad", "prepare", "begin", "-");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("virt-lint hook: could not check guest 'bad': " + broken + ":"), run.err());
        assertTrue(run.err().contains("; it starts unchecked (fail-open)"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void anUnreadableConfigurationFailsClosedWhenTheCommandLineSaysSo() throws IOException {
        CliRun run = hook(CLEAN, "--config", dir.toString(), "--on-internal-error", "fail-closed", "clean", "prepare",
                "begin", "-");
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("is a directory"), run.err());
        assertTrue(run.err().contains("it is not started (fail-closed)"), run.err());
    }

    @Test
    void xmlItCannotReadIsAnInternalErrorUnderEitherMode() throws IOException {
        CliRun open = hook("<domain>", "--config", noConfig(), "vm", "prepare", "begin", "-");
        assertEquals(0, open.exitCode(), open.err());
        assertTrue(open.err().contains("could not check guest 'vm'"), open.err());
        CliRun closed = hook("<domain>", "--config", config("on-internal-error: fail-closed\n"), "vm", "prepare",
                "begin", "-");
        assertEquals(1, closed.exitCode(), closed.err());
        assertTrue(closed.err().contains("(fail-closed)"), closed.err());
    }

    /**
     * The XML on standard input never ends, so the check cannot finish within any timeout: a lint that merely happened
     * to be slow made this test pass only while the JVM was cold (it failed in a warmed-up full suite).
     */
    @Test
    void aTimeoutFailsOpenOrClosedAsConfigured() throws IOException {
        CountDownLatch released = new CountDownLatch(1);
        InputStream neverEnds = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
        try {
            CliRun open = hookReading(neverEnds, "--config", config("timeout: 100ms\n"), "bad", "prepare", "begin",
                    "-");
            assertEquals(0, open.exitCode(), open.err());
            assertTrue(open.err().contains("timed out after 100 ms; it starts unchecked (fail-open)"), open.err());
            CliRun closed = hookReading(neverEnds, "--config",
                    config("timeout: 100ms\non-internal-error: fail-closed\n"), "bad", "prepare", "begin", "-");
            assertEquals(1, closed.exitCode(), closed.err());
            assertTrue(closed.err().contains("timed out after 100 ms; it is not started (fail-closed)"), closed.err());
        } finally {
            released.countDown();
        }
    }

    @Test
    void aBadFailureModeIsAUsageError() {
        CliRun run = hook(CLEAN, "--on-internal-error", "fail-maybe", "vm", "prepare", "begin", "-");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("'fail-maybe' is not fail-open or fail-closed"), run.err());
    }
}
