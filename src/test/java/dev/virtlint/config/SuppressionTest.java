package dev.virtlint.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;

/** Every suppression form, unused ones (VL900) and their removal, and --add-suppressions. */
class SuppressionTest {
    private static final String COMMANDLINE = "  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\n";
    private static final String OS = "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n";
    private static final String HEAD = "<domain type='qemu'>\n  <name>x</name>\n  <memory unit='GiB'>4</memory>\n";
    private static final String METADATA = "  <metadata>\n    <vl:lint xmlns:vl='https://virt-lint.dev/xmlns/lint/1'>\n"
            + "      <vl:ignore rule='%s' reason='known'/>\n    </vl:lint>\n  </metadata>\n";

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Files.createDirectories(dir.resolve(".git"));
        Path file = dir.resolve("vm.xml");
        Files.writeString(file, text);
        return file;
    }

    private static CliRun lint(Path file, String... more) {
        String[] args = new String[more.length + 3];
        args[0] = "--color=never";
        args[1] = "--accel";
        args[2] = "tcg";
        System.arraycopy(more, 0, args, 3, more.length);
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = file.toString();
        return CliRun.run(all);
    }

    @Test
    void metadataSuppressesARuleByIdOrName() throws IOException {
        for (String rule : new String[] {"VL501", "qemu-namespace-undeclared"}) {
            Path file = write(HEAD + String.format(METADATA, rule) + COMMANDLINE + OS + "</domain>\n");
            CliRun run = lint(file);
            assertEquals(0, run.exitCode(), run.out());
            assertEquals("", run.out());
        }
    }

    @Test
    void aCommentSuppressesTheNextElementOnly() throws IOException {
        Path covered = write(HEAD + "  <!-- virt-lint: ignore VL501 the debug flag is wanted -->\n" + COMMANDLINE + OS
                + "</domain>\n");
        assertEquals("", lint(covered).out());
        Path elsewhere = write(HEAD + "  <!-- virt-lint: ignore VL501 -->\n" + OS + COMMANDLINE + "</domain>\n");
        CliRun run = lint(elsewhere);
        assertTrue(run.out().contains("error VL501"), run.out());
        assertTrue(run.out().contains(":4:3: info VL900 unused-suppression: this suppression of VL501"), run.out());
    }

    @Test
    void ignoreFileCoversTheWholeFile() throws IOException {
        Path file = write("<!-- virt-lint: ignore-file VL501 -- reviewed -->\n" + HEAD + COMMANDLINE + OS + "</domain>\n");
        assertEquals("", lint(file).out());
    }

    @Test
    void unusedSuppressionsAreReportedAndFixRemovesThem() throws IOException {
        String clean = HEAD + OS + "</domain>\n";
        Path file = write(HEAD.replace("</name>\n", "</name>\n" + String.format(METADATA, "VL501")
                .replace("  <metadata>\n", "  <metadata>\n    <app:x xmlns:app='urn:app'/>\n"))
                + "  <!-- virt-lint: ignore VL003 -->\n" + OS + "</domain>\n");
        CliRun run = lint(file);
        assertEquals(2, run.out().lines().filter(line -> line.contains("VL900")).count(), run.out());
        assertEquals(0, run.exitCode(), "VL900 is info");
        lint(file, "--fix");
        String fixed = Files.readString(file);
        assertEquals(clean.replace("</name>\n", "</name>\n  <metadata>\n    <app:x xmlns:app='urn:app'/>\n"
                + "  </metadata>\n"), fixed, "other applications' metadata stays");
    }

    @Test
    void suppressionsOfRulesThatDidNotRunAreNotReported() throws IOException {
        Path file = write(HEAD + String.format(METADATA, "VL501") + OS + "</domain>\n");
        assertTrue(lint(file).out().contains("VL900"));
        assertEquals("", lint(file, "--ignore", "VL501").out());
    }

    @Test
    void addSuppressionsCreatesMetadataInTheRightPlaceAndStyle() throws IOException {
        String tabs = "<domain type=\"qemu\">\r\n\t<name>x</name>\r\n\t<uuid>6d9e2c3a-9f55-4a8e-9d1e-1b2c3d4e5f60</uuid>"
                + "\r\n\t<memory unit=\"GiB\">4</memory>\r\n"
                + "\t<qemu:commandline><qemu:arg value=\"-S\"/></qemu:commandline>\r\n"
                + "\t<os><type arch=\"x86_64\" machine=\"q35\">hvm</type></os>\r\n</domain>\r\n";
        Path file = write(tabs);
        CliRun run = lint(file, "--add-suppressions=GPU passthrough \"reviewed\" & accepted");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("suppressed 2 problems in <metadata>"), run.err());
        String expected = tabs.replace("</uuid>\r\n", "</uuid>\r\n\t<metadata>\r\n"
                + "\t\t<vl:lint xmlns:vl=\"https://virt-lint.dev/xmlns/lint/1\">\r\n"
                + "\t\t\t<vl:ignore rule=\"VL003\" reason=\"GPU passthrough &quot;reviewed&quot; &amp; accepted\"/>\r\n"
                + "\t\t\t<vl:ignore rule=\"VL501\" reason=\"GPU passthrough &quot;reviewed&quot; &amp; accepted\"/>\r\n"
                + "\t\t</vl:lint>\r\n\t</metadata>\r\n");
        assertEquals(expected, Files.readString(file));
        assertEquals("", lint(file).out());
        lint(file, "--add-suppressions");
        assertEquals(expected, Files.readString(file), "nothing left to suppress");
    }

    @Test
    void addSuppressionsExtendsExistingMetadataAndLint() throws IOException {
        Path file = write(HEAD + "  <metadata>\n    <app:x xmlns:app='urn:app'/>\n  </metadata>\n" + COMMANDLINE + OS
                + "</domain>\n");
        lint(file, "--add-suppressions");
        String once = Files.readString(file);
        assertTrue(once.contains("    <app:x xmlns:app='urn:app'/>\n    <vl:lint xmlns:vl='https://virt-lint.dev/xmlns"
                + "/lint/1'>\n      <vl:ignore rule='VL501'/>\n    </vl:lint>\n  </metadata>\n"), once);
        Files.writeString(file, once.replace(OS, OS.replace("pc-q35-10.0", "q35")));
        lint(file, "--add-suppressions=alias");
        assertTrue(Files.readString(file).contains("      <vl:ignore rule='VL501'/>\n"
                + "      <vl:ignore rule='VL003' reason='alias'/>\n    </vl:lint>"), Files.readString(file));
    }

    @Test
    void addSuppressionsWithoutEqualsTakesNoReasonAndTheNextArgumentIsAFile() throws IOException {
        Path file = write(HEAD + COMMANDLINE + OS + "</domain>\n");
        CliRun run = CliRun.run("--accel", "tcg", "--add-suppressions", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.readString(file).contains("<vl:ignore rule='VL501'/>"), Files.readString(file));
    }

    @Test
    void addSuppressionsOnStandardInputPrintsTheSuppressedXml() {
        CliRun run = CliRun.runWithInput((HEAD + COMMANDLINE + OS + "</domain>\n").getBytes(StandardCharsets.UTF_8),
                "--accel", "tcg", "--add-suppressions=ok", "-");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("<vl:ignore rule='VL501' reason='ok'/>"), run.out());
        assertFalse(run.out().contains("VL501 qemu-namespace-undeclared"), "the report went to standard error");
    }
}
