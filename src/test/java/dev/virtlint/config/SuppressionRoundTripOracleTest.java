package dev.virtlint.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/**
 * Oracle: the real virsh defines a domain with a metadata suppression and a comment suppression into libvirt's
 * test driver and dumps it back. The metadata suppression survives and still suppresses; the comment does not
 * survive, which is why suppressions meant for defined domains belong in metadata.
 */
class SuppressionRoundTripOracleTest {
    @TempDir
    Path dir;

    @Test
    void metadataSuppressionsSurviveVirshDefineAndComments() throws IOException, InterruptedException {
        Assumptions.assumeTrue(RealStack.onPath("virsh"), "virsh is not installed: libvirt round trip skipped"
                + " (CI installs it with .ci/install-stack)");
        String fixture = Files.readString(ProjectPaths.testdata().resolve("rules/VL102/epyc-hotplug.xml"));
        String annotated = fixture.replace("  <name>epyc-relocated</name>\n", "  <name>epyc-relocated</name>\n"
                + "  <metadata>\n    <vl:lint xmlns:vl='https://virt-lint.dev/xmlns/lint/1'>\n"
                + "      <vl:ignore rule='VL102' reason='RAM at 1 TiB is fine for this guest'/>\n"
                + "    </vl:lint>\n  </metadata>\n")
                .replace("  <os>\n", "  <!-- virt-lint: ignore VL003 -->\n  <os>\n");
        Path file = dir.resolve("epyc.xml");
        Files.writeString(file, annotated);
        CliRun before = CliRun.run("--accel", "tcg", "--color=never", file.toString());
        assertFalse(before.out().contains("VL102"), before.out());

        RealStack.Result round = RealStack.run(List.of("virsh", "-c", "test:///default",
                "define --validate " + file + "; dumpxml --inactive epyc-relocated"), 60);
        assertEquals(0, round.exitCode(), round.output());
        String dumped = round.output().substring(round.output().indexOf("<domain"));
        assertTrue(dumped.contains("<vl:ignore rule=\"VL102\" reason=\"RAM at 1 TiB is fine for this guest\"/>"),
                dumped);
        assertFalse(dumped.contains("virt-lint: ignore"), "libvirt drops comments");

        CliRun after = CliRun.runWithInput(dumped.getBytes(StandardCharsets.UTF_8), "--accel", "tcg", "--color=never",
                "--stdin-filename", "dumped.xml", "-");
        assertFalse(after.out().contains("VL102"), "the metadata suppression still applies: " + after.out());
        assertFalse(after.out().contains("VL900"), after.out());
    }
}
