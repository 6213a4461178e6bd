package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;

class FixCliTest {
    /** Quotes, spacing, comments and CRLF that must all survive byte for byte (and nothing else to report). */
    private static final String BROKEN = "<?xml version=\"1.0\"?>\r\n<!-- keep me -->\r\n<domain type=\"kvm\">\r\n"
            + "\t<name>x</name>\r\n\t<memory unit='GiB'  dumpCore=\"off\">4</memory>\r\n"
            + "\t<os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\r\n"
            + "\t<qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\r\n</domain>\r\n";
    private static final String FIXED = BROKEN.replace("<domain type=\"kvm\">",
            "<domain type=\"kvm\" xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\">");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void fixRewritesOnlyTheEditAndReportsWhatIsLeft() throws IOException {
        Path file = write("vm.xml", BROKEN);
        CliRun run = CliRun.run("--fix", file.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(FIXED, Files.readString(file));
        assertTrue(run.err().contains("fixed 1 problem"), run.err());
        CliRun again = CliRun.run("--fix", file.toString());
        assertEquals(FIXED, Files.readString(file), "a second --fix changes nothing");
        assertFalse(again.err().contains("fixed"), again.err());
    }

    @Test
    void fixWithDiffShowsTheDiffWritesNothingAndSaysWhatItWouldFix() throws IOException {
        Path file = write("vm.xml", BROKEN);
        CliRun run = CliRun.run("--fix", "--diff", "--color=never", file.toString());
        assertEquals(BROKEN, Files.readString(file), "--diff writes nothing, also with --fix");
        assertTrue(run.out().contains("+<domain type=\"kvm\" xmlns:qemu="), run.out());
        assertTrue(run.err().contains("error VL501"), "the file as it stays is reported: " + run.err());
        assertTrue(run.err().contains("the diff would fix 1 problem (nothing written)"), run.err());
        assertFalse(run.err().contains("; fixed"), run.err());
    }

    @Test
    void fixOutputIsWrittenEvenWhenNothingNeedsFixing() throws IOException {
        Path clean = write("clean.xml", FIXED);
        Path out = dir.resolve("out.xml");
        CliRun run = CliRun.run("--fix", "--fix-output", out.toString(), clean.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(FIXED, Files.readString(out), "the next command reads it, so it exists with the input's bytes");
    }

    @Test
    void anUnknownRuleSelectorIsRejectedWithTheClosestRule() throws IOException {
        Path file = write("vm.xml", BROKEN);
        CliRun select = CliRun.run("--select", "phys-bits-to-low", file.toString());
        assertEquals(2, select.exitCode(), "an unknown selector would silently disable every rule: " + select.out());
        assertTrue(select.err().contains("--select: no rule 'phys-bits-to-low': did you mean phys-bits-too-low"
                + " (VL101)?"), select.err());
        CliRun ignore = CliRun.run("--ignore", "VL9999", file.toString());
        assertEquals(2, ignore.exitCode(), ignore.out());
        assertTrue(ignore.err().contains("--ignore: no rule 'VL9999'"), ignore.err());
        assertEquals(1, CliRun.run("--select", "VL5", file.toString()).exitCode(), "a prefix is a selector");
    }

    /** What people try first: -o names a report file, so the error says so and where the fixed XML goes. */
    @Test
    void outputWithoutFormatSaysItIsAReportAndPointsAtFixOutput() throws IOException {
        Path file = write("vm.xml", BROKEN);
        CliRun run = CliRun.run("--fix", "-o", "out.xml", file.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("virt-lint: -o out.xml names a report file, and needs the --format of that"
                + " report before it (--format sarif -o virt-lint.sarif); with --fix, the fixed XML goes to"
                + " --fix-output out.xml\n"), run.err());
        assertFalse(run.err().contains("Missing required argument"), run.err());
        assertEquals(BROKEN, Files.readString(file), "a usage error writes nothing");
        assertTrue(CliRun.run("--output=r.json", file.toString()).err().contains("-o r.json names a report file"));
    }

    @Test
    void diffPrintsAUnifiedDiffAndWritesNothing() throws IOException {
        Path file = write("vm.xml", BROKEN);
        CliRun run = CliRun.run("--diff", file.toString());
        assertEquals(1, run.exitCode());
        assertEquals(BROKEN, Files.readString(file));
        assertTrue(run.out().contains("-<domain type=\"kvm\">\r"), run.out());
        assertTrue(run.out().contains("+<domain type=\"kvm\" xmlns:qemu="), run.out());
        assertTrue(run.out().startsWith("--- a/"), run.out());
        assertEquals(0, CliRun.run("--diff", write("clean.xml", FIXED).toString()).exitCode());
    }

    @Test
    void outputWritesElsewhereAndLeavesTheInput() throws IOException {
        Path file = write("vm.xml", BROKEN);
        Path out = dir.resolve("out.xml");
        assertEquals(0, CliRun.run("--fix", "--fix-output", out.toString(), file.toString()).exitCode());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)),
                "a new file is not left with the temporary file's private mode");
        assertEquals(BROKEN, Files.readString(file));
        assertEquals(FIXED, Files.readString(out));
        assertEquals(2, CliRun.run("--fix-output", out.toString(), file.toString()).exitCode(),
                "--fix-output needs --fix");
    }

    @Test
    void standardInputIsFixedToStandardOutput() {
        CliRun run = CliRun.runWithInput(BROKEN.getBytes(StandardCharsets.UTF_8), "--fix", "-");
        assertEquals(FIXED, run.out());
        assertEquals(0, run.exitCode(), run.err());
        CliRun clean = CliRun.runWithInput(FIXED.getBytes(StandardCharsets.UTF_8), "--fix", "-");
        assertEquals(FIXED, clean.out(), "an unchanged document is still echoed");
    }

    @Test
    void readOnlyFileIsAClearErrorAndUntouchedEvenForRoot() throws IOException {
        Path file = write("ro.xml", BROKEN);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        CliRun run = CliRun.run("--fix", file.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("ro.xml:1:1: cannot write the fix: permission denied: the file is read-only; the file is unchanged"),
                run.err());
        assertEquals(BROKEN, Files.readString(file));
    }

    /**
     * The file was read and linted: its findings are reported, then the write failure with its reason (here the
     * temporary file's), and the summary does not call it unreadable. A directory that is really a file stops
     * every writer, root included, where a directory's mode would not stop root.
     */
    @Test
    void anUnwritableFixReportsTheFindingsThenWhyItWasNotWritten() throws IOException {
        Path file = write("vm.xml", BROKEN);
        Path notADirectory = write("plain-file", "");
        Path out = notADirectory.resolve("out.xml");
        CliRun run = CliRun.run("--color=never", "--fix", "--fix-output", out.toString(), file.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.out().contains("error VL501 qemu-namespace-undeclared"), "the findings: " + run.out());
        assertTrue(run.err().contains("vm.xml:1:1: cannot write the fix: cannot create a temporary file in "
                + notADirectory + " to write out.xml through: Not a directory (" + notADirectory + "/.out.xml."),
                run.err());
        assertTrue(run.err().contains("Found 1 problem (1 error, 0 warnings, 0 infos) in 1 file; the fixes of 1 file"
                + " could not be written."), run.err());
        assertFalse(run.err().contains("could not be read"), run.err());
        assertEquals(BROKEN, Files.readString(file));

        CliRun github = CliRun.run("--format", "github", "--fix", "--fix-output", out.toString(), file.toString());
        int finding = github.out().indexOf("title=VL501");
        int failure = github.out().indexOf("cannot write the fix");
        assertTrue(finding >= 0 && failure > finding, "findings first, then the write failure: " + github.out());
    }

    @Test
    void aDirectoryThatCannotTakeTheTemporaryFileSaysSo() throws IOException {
        Assumptions.assumeTrue(!"root".equals(System.getProperty("user.name")),
                "running as root, whom a read-only directory does not stop; the test above covers the temporary file");
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Path file = Files.writeString(readOnly.resolve("vm.xml"), BROKEN);
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            CliRun run = CliRun.run("--color=never", "--fix", file.toString());
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.out().contains("error VL501"), run.out());
            assertTrue(run.err().contains("cannot create a temporary file in " + readOnly + " to write vm.xml through:"
                    + " permission denied (" + readOnly + "/.vm.xml."), run.err());
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void modeIsKeptAndASymlinkStaysALink() throws IOException {
        Path target = write("real.xml", BROKEN);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        Path link = dir.resolve("link.xml");
        Files.createSymbolicLink(link, target.getFileName());
        assertEquals(0, CliRun.run("--fix", link.toString()).exitCode());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(FIXED, Files.readString(target));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".virt-lint.tmp")), "no temporary file left");
        }
    }

    @Test
    void malformedFileIsNeverWritten() throws IOException {
        byte[] broken = "<domain><qemu:commandline></domain>".getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("broken.xml");
        Files.write(file, broken);
        assertEquals(2, CliRun.run("--fix", file.toString()).exitCode());
        assertArrayEquals(broken, Files.readAllBytes(file));
    }

    @Test
    void unsafeFixesNeedTheirOwnFlag() throws IOException {
        String alias = "<domain type='kvm'><name>a</name><os><type arch='x86_64' machine='q35'>hvm</type></os>"
                + "</domain>\n";
        Path file = write("alias.xml", alias);
        CliRun safeOnly = CliRun.run("--fix", file.toString());
        assertEquals(alias, Files.readString(file));
        assertTrue(safeOnly.out().contains("[unsafe fix available: --unsafe-fixes]"), safeOnly.out());
        CliRun unsafe = CliRun.run("--fix", "--unsafe-fixes", file.toString());
        assertEquals(0, unsafe.exitCode(), unsafe.err());
        assertEquals(alias.replace("machine='q35'", "machine='pc-q35-10.0'"), Files.readString(file));
    }
}
