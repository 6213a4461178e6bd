package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.RealStack;

/**
 * What a user (or an attacker) can feed the CLI: each gives findings or one line naming the file with
 * exit 2, never a stack trace, never a hang, never a damaged file.
 */
class HostileInputTest {
    private static final String DOMAIN = "<domain type='qemu'><name>d</name><memory unit='GiB'>4</memory>"
            + "<os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>"
            + "<qemu:commandline><qemu:arg value='-S'/></qemu:commandline></domain>\n";

    @TempDir
    Path dir;

    private static void assertOneLineError(CliRun run, Path file, String kind) {
        assertEquals(2, run.exitCode(), run.err());
        List<String> errors = run.err().lines().filter(line -> line.startsWith(file.toString() + ":")).toList();
        assertEquals(1, errors.size(), run.err());
        assertTrue(errors.get(0).matches(java.util.regex.Pattern.quote(file.toString()) + ":\\d+:\\d+: " + kind
                + ": .*"), errors.get(0));
        assertFalse(run.err().contains("\tat "), "stack trace printed: " + run.err());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    @Test
    void externalEntitiesAndEntityBombsAreRefused() throws IOException {
        Path xxe = write("xxe.xml", ("<?xml version='1.0'?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<domain><name>&x;</name></domain>").getBytes(StandardCharsets.UTF_8));
        CliRun run = CliRun.run(xxe.toString());
        assertOneLineError(run, xxe, "refused");
        assertFalse(run.out().contains("root:"), "the entity was expanded");
        Path lol = write("lol.xml", ("<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><domain><name>&c;</name></domain>")
                .getBytes(StandardCharsets.UTF_8));
        assertOneLineError(CliRun.run(lol.toString()), lol, "refused");
    }

    @Test
    void deepNestingIsRefused() throws IOException {
        Path deep = write("deep.xml", ("<domain>" + "<x>".repeat(100_000) + "</x>".repeat(100_000) + "</domain>")
                .getBytes(StandardCharsets.UTF_8));
        assertOneLineError(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> CliRun.run(deep.toString())), deep,
                "refused");
    }

    @Test
    void aHundredMegabyteFileIsRefusedWithoutBeingRead() throws IOException {
        Path big = dir.resolve("big.xml");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(100L * 1024 * 1024);
        }
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliRun.run(big.toString()));
        assertOneLineError(run, big, "file too large");
    }

    @Test
    void invalidUtf8AndNulBytesAreOneLineErrors() throws IOException {
        Path utf8 = write("latin1.xml", "<domain><name>caf\u00e9</name></domain>".getBytes(StandardCharsets.ISO_8859_1));
        assertOneLineError(CliRun.run(utf8.toString()), utf8, "invalid encoding");
        Path nul = write("nul.xml", "<domain>\0</domain>".getBytes(StandardCharsets.UTF_8));
        assertOneLineError(CliRun.run(nul.toString()), nul, "malformed XML");
        byte[] binary = new byte[8192];
        new java.util.Random(7).nextBytes(binary);
        Path random = write("random.xml", binary);
        CliRun run = CliRun.run(random.toString());
        assertEquals(2, run.exitCode());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aFileThatEndsWhileBeingReadIsMalformedNotAHang() throws Exception {
        Assumptions.assumeTrue(RealStack.onPath("mkfifo"), "mkfifo is not available");
        Path fifo = dir.resolve("changing.xml");
        assertEquals(0, RealStack.run(List.of("mkfifo", fifo.toString()), 10).exitCode());
        // The writer stops half-way through the document, as a file being rewritten under us would.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(DOMAIN.substring(0, DOMAIN.length() / 2).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> CliRun.run(fifo.toString()));
        writer.get();
        assertOneLineError(run, fifo, "malformed XML");
    }

    @Test
    void aFullDiskDuringFixLeavesTheOriginalUntouched() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tiny tmpfs needs root: full-disk test skipped");
        Path mount = Files.createDirectory(dir.resolve("tiny"));
        RealStack.Result mounted = RealStack.run(List.of("mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs",
                mount.toString()), 10);
        Assumptions.assumeTrue(mounted.exitCode() == 0, "cannot mount tmpfs here: " + mounted.output().strip());
        try {
            // The original fills most of the filesystem, so the fixed copy cannot be written beside it.
            String padding = "<!--" + "x".repeat(7000) + "-->\n";
            byte[] original = (padding + DOMAIN).getBytes(StandardCharsets.UTF_8);
            Path file = mount.resolve("vm.xml");
            Files.write(file, original);
            CliRun run = CliRun.run("--fix", file.toString());
            assertOneLineError(run, file, "cannot write the fix");
            assertArrayEquals(original, Files.readAllBytes(file));
            try (var files = Files.list(mount)) {
                assertEquals(List.of(file), files.toList(), "a temporary file was left behind");
            }
        } finally {
            RealStack.run(List.of("umount", mount.toString()), 10);
        }
    }

    @Test
    void tenThousandFilesWithOneUnreadable() throws IOException {
        Path tree = Files.createDirectory(dir.resolve("fleet"));
        byte[] domain = DOMAIN.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 10_000; i++) {
            Files.write(tree.resolve(String.format("vm%05d.xml", i)), domain);
        }
        // A symlink loop cannot be read even by root, unlike a file whose mode forbids reading.
        Path loop = tree.resolve("loop.xml");
        Files.createSymbolicLink(loop, loop.getFileName());
        CliRun run = CliRun.run("-q", "--format", "json", tree.toString());
        assertEquals(2, run.exitCode());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
        var failures = new java.util.ArrayList<String>();
        json.get("files").forEach(file -> {
            if (file.has("error")) {
                failures.add(file.get("path").asText() + ": " + file.at("/error/message").asText());
            }
        });
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).startsWith(loop + ": "), failures.toString());
        assertEquals(10_000, json.at("/summary/files").asInt());
        assertEquals(1, json.at("/summary/failed").asInt());
        assertEquals(10_000, json.at("/summary/errors").asInt(), "every readable file was linted");
    }
}
