package dev.virtlint.fix;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files {@link AtomicFileWriter} writes through, {@code .NAME.PID.RANDOM.virt-lint.tmp}, and the
 * removal of those a killed run left behind. A write holds its temporary file for as long as it takes to write,
 * sync and rename it, well under a second, so one that has outlived that is no longer anyone's:
 * <ul>
 * <li>one whose writing process is not running on this machine and that is older than {@link #ORPHANED_AFTER}:
 * the minute covers a run on another machine that shares the directory (NFS), whose PID means nothing here;</li>
 * <li>any older than {@link #ABANDONED_AFTER}: PIDs are reused, so a dead run's PID may name a live process.</li>
 * </ul>
 * Only regular files of exactly that naming (or the earlier one without the PID, whose writer is unknown) are
 * touched; each directory is swept once per process.
 */
final class StaleTemporaries {
    static final String SUFFIX = ".virt-lint.tmp";
    static final Duration ORPHANED_AFTER = Duration.ofMinutes(1);
    static final Duration ABANDONED_AFTER = Duration.ofHours(1);
    private static final Pattern NAME = Pattern.compile("\\..+\\.(\\d{1,18})\\.\\d+" + Pattern.quote(SUFFIX));
    /** The naming before the PID was part of it, {@code .NAME.RANDOM.virt-lint.tmp}: its writer is unknown. */
    private static final Pattern NAME_WITHOUT_PID = Pattern.compile("\\..+\\.\\d+" + Pattern.quote(SUFFIX));
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private StaleTemporaries() {
    }

    /** The prefix of a temporary file for {@code target}, naming this process. */
    static String prefixFor(Path target) {
        return "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".";
    }

    /**
     * Removes the stale temporary files in {@code directory}, once per process; a file that cannot be removed
     * stays, since clearing up after another run must not stop this one's write.
     */
    static void sweep(Path directory) {
        if (!SWEPT.add(directory)) {
            return;
        }
        Instant now = Instant.now();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "." + "*" + SUFFIX)) {
            for (Path entry : entries) {
                if (isStale(entry, now)) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException e) {
            // An unlistable directory, or a file that went or could not go: the write goes on regardless.
        }
    }

    static boolean isStale(Path file, Instant now) throws IOException {
        String fileName = file.getFileName().toString();
        Matcher name = NAME.matcher(fileName);
        boolean withPid = name.matches();
        if (!(withPid || NAME_WITHOUT_PID.matcher(fileName).matches())
                || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Duration age = Duration.between(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant(), now);
        boolean writerRunning = withPid && ProcessHandle.of(Long.parseLong(name.group(1)))
                .map(ProcessHandle::isAlive).orElse(false);
        return age.compareTo(ABANDONED_AFTER) > 0 || (!writerRunning && age.compareTo(ORPHANED_AFTER) > 0);
    }
}
