package dev.virtlint.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/**
 * The CPU-model table (vendor under TCG, long mode, 1 GiB pages) is what the installed QEMU says:
 * regenerating it with {@code scripts/qemu-cpu-models.py} changes nothing.
 */
@Tag("oracle")
class CpuModelsOracleTest {

    @Test
    void tableMatchesTheInstalledQemu() throws Exception {
        RealStack.assumeQemu();
        Assumptions.assumeTrue(RealStack.onPath("python3"), "python3 is not installed: CPU-model oracle skipped");
        String shipped = Files.readString(ProjectPaths.projectDir()
                .resolve("src/main/resources/dev/virtlint/libvirt/qemu-cpu-models.tsv"));
        String firstLine = shipped.lines().findFirst().orElse("");
        RealStack.Result version = RealStack.run(List.of("qemu-system-x86_64", "--version"), 30);
        Assumptions.assumeTrue(firstLine.contains(version.output().lines().findFirst().orElse("?")),
                "the table was generated from another QEMU (" + firstLine + "): regenerate it");
        RealStack.Result regenerated = RealStack.run(List.of("python3",
                ProjectPaths.projectDir().resolve("scripts/qemu-cpu-models.py").toString()), 300);
        assertEquals(0, regenerated.exitCode(), regenerated.output());
        assertEquals(shipped, regenerated.output());
    }
}
