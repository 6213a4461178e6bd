package dev.virtlint.fix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code --fix} killed between creating its temporary file and renaming it leaves the file; the next write clears it. */
class StaleTemporariesTest {
    @TempDir
    Path dir;

    private Path temporary(String name, Duration age) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "<domain/>");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    /** The PID of a process that has exited. */
    private static long exitedPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }

    @Test
    void theNextWriteInTheDirectoryRemovesWhatKilledRunsLeftAndNothingElse() throws Exception {
        long dead = exitedPid();
        long alive = ProcessHandle.current().pid();
        Path killedRun = temporary(".vm.xml." + dead + ".4821.virt-lint.tmp", Duration.ofMinutes(5));
        Path earlierNaming = temporary(".vm.xml.9183746501.virt-lint.tmp", Duration.ofMinutes(5));
        Path reusedPid = temporary(".other.xml." + alive + ".77.virt-lint.tmp", Duration.ofHours(2));
        Path justStarted = temporary(".vm.xml." + dead + ".5.virt-lint.tmp", Duration.ofSeconds(2));
        Path runningWriter = temporary(".other.xml." + alive + ".9.virt-lint.tmp", Duration.ofMinutes(5));
        Path notOurs = temporary(".vm.xml.swp", Duration.ofHours(2));
        Path vm = Files.writeString(dir.resolve("vm.xml"), "<domain/>");

        AtomicFileWriter.write(vm, "<domain type='kvm'/>".getBytes(StandardCharsets.UTF_8));

        assertEquals("<domain type='kvm'/>", Files.readString(vm));
        for (Path stale : List.of(killedRun, earlierNaming, reusedPid)) {
            assertFalse(Files.exists(stale), stale + " is stale and should be gone");
        }
        for (Path kept : List.of(justStarted, runningWriter, notOurs)) {
            assertTrue(Files.exists(kept), kept + " may still be in use and should stay");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(4, files.count(), "the write left no temporary file of its own");
        }
    }
}
