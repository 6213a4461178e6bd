package dev.virtlint.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.support.OracleStacks;

/** Starts QEMU paused ({@code -S}) for one {@link OracleCase} and reads back what it built, through QMP on stdio. */
final class QemuProbe {

    static final String QEMU = "qemu-system-x86_64";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CPU_PATH = "/machine/unattached/device[0]";

    /**
     * What one QEMU run showed.
     *
     * @param program   the file name of the binary, which QEMU starts its error lines with (not the path run)
     * @param responses QMP results by command id: the "return" value, or the "error" object when the command failed
     */
    record Observation(String program, int exitCode, boolean timedOut, List<String> stderrLines, Map<String, JsonNode> responses,
                       Duration elapsed) {

        Optional<String> text(String id) {
            JsonNode node = responses.get(id);
            return node == null || !node.isValueNode() ? Optional.empty() : Optional.of(node.asText());
        }

        /** The first line QEMU printed as an error (warnings and trace lines skipped). */
        Optional<String> errorLine() {
            return stderrLines.stream()
                    .filter(line -> line.startsWith(program + ": ") && !line.startsWith(program + ": warning: "))
                    .findFirst();
        }

        boolean tracedFwCfgFile(String name) {
            return tracedFwCfgFileSize(name).isPresent();
        }

        /** The size QEMU gave a fw_cfg file, from the trace line "fw_cfg_add_file 0x… #3: etc/e820 (40 bytes)". */
        OptionalLong tracedFwCfgFileSize(String name) {
            Pattern traced = Pattern.compile("^fw_cfg_add_file \\S+ #\\d+: " + Pattern.quote(name) + " \\((\\d+) bytes\\)$");
            return stderrLines.stream()
                    .map(traced::matcher)
                    .filter(Matcher::matches)
                    .mapToLong(matcher -> Long.parseLong(matcher.group(1)))
                    .findFirst();
        }

        boolean tracingWorks() {
            return stderrLines.stream().anyMatch(line -> line.startsWith("fw_cfg_add_file "));
        }
    }

    private QemuProbe() {
    }

    static Observation run(OracleStacks.Qemu qemu, OracleCase oracleCase, Path workDirectory)
            throws IOException, InterruptedException {
        Path ramFile = Files.createTempFile(workDirectory, "ram-", ".img");
        try {
            try (RandomAccessFile file = new RandomAccessFile(ramFile.toFile(), "rw")) {
                file.setLength(oracleCase.ram());
            }
            String hostBridge = hostBridgePath(oracleCase);
            return start(qemu.processBuilder(oracleCase.arguments(ramFile)), List.of(
                    hmp("flat", "info mtree -f"),
                    hmp("tree", "info mtree"),
                    qomGet("hole64-start", hostBridge, "pci-hole64-start"),
                    qomGet("hole64-end", hostBridge, "pci-hole64-end"),
                    qomGet("phys-bits", CPU_PATH, "phys-bits"),
                    qomGet("vendor", CPU_PATH, "vendor"),
                    qomGet("lm", CPU_PATH, "lm")));
        } finally {
            Files.deleteIfExists(ramFile);
        }
    }

    private static String hostBridgePath(OracleCase oracleCase) {
        return oracleCase.machineType().family() == MachineFamily.Q35 ? "/machine/q35" : "/machine/i440fx";
    }

    /** Runs {@code commandLine} (which must put QMP on stdio), sends {@code qmpCommands} and quits. */
    static Observation start(List<String> commandLine, List<String> qmpCommands) throws IOException, InterruptedException {
        return start(new ProcessBuilder(commandLine), qmpCommands);
    }

    static Observation start(ProcessBuilder qemu, List<String> qmpCommands) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process process = qemu.start();
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(qmpScript(qmpCommands).getBytes(StandardCharsets.UTF_8));
        } catch (IOException earlyExit) {
            // QEMU refused the configuration and closed stdin before reading the script; its stderr says why.
        }
        boolean finished = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
            process.waitFor();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        return new Observation(Path.of(qemu.command().get(0)).getFileName().toString(), process.exitValue(), !finished, stderr.join().lines().toList(),
                responses(stdout.join()), elapsed);
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String qmpScript(List<String> commands) {
        List<String> script = new ArrayList<>();
        script.add("{\"execute\":\"qmp_capabilities\"}");
        script.addAll(commands);
        script.add("{\"execute\":\"quit\"}");
        return String.join("\n", script) + "\n";
    }

    static String hmp(String id, String commandLine) {
        return "{\"execute\":\"human-monitor-command\",\"id\":\"" + id + "\",\"arguments\":{\"command-line\":\"" + commandLine + "\"}}";
    }

    static String qomGet(String id, String path, String property) {
        return "{\"execute\":\"qom-get\",\"id\":\"" + id + "\",\"arguments\":{\"path\":\"" + path + "\",\"property\":\"" + property + "\"}}";
    }

    private static Map<String, JsonNode> responses(String stdout) {
        Map<String, JsonNode> responses = new HashMap<>();
        for (String line : stdout.lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode message;
            try {
                message = JSON.readTree(line);
            } catch (IOException notJson) {
                continue;
            }
            JsonNode id = message.get("id");
            if (id != null) {
                responses.put(id.asText(), message.has("return") ? message.get("return") : message.get("error"));
            }
        }
        return responses;
    }

    /** A memory region line of {@code info mtree}: "  0000000100000000-000000013fffffff (prio 0, ram): name …". */
    record MtreeLine(long start, long endInclusive, String description) {

        private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]{16})-([0-9a-f]{16}) \\(prio -?\\d+, [^)]*\\): (.*)$");

        static Optional<MtreeLine> parse(String line) {
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            return Optional.of(new MtreeLine(Long.parseUnsignedLong(matcher.group(1), 16),
                    Long.parseUnsignedLong(matcher.group(2), 16), matcher.group(3).strip()));
        }
    }

    /**
     * The ranges of the named regions in the hierarchical {@code info mtree}. The alias regions ram-below-4g and
     * ram-above-4g and the device-memory container appear once per address space that shows the system tree; all
     * occurrences are returned so the caller can check they agree.
     */
    static Map<String, List<MtreeLine>> namedRegions(String tree) {
        Map<String, List<MtreeLine>> found = new HashMap<>();
        for (String line : tree.lines().toList()) {
            MtreeLine.parse(line).ifPresent(parsed -> {
                String description = parsed.description();
                String name = description.startsWith("alias ram-below-4g ") ? Region.RAM_BELOW_4G
                        : description.startsWith("alias ram-above-4g ") ? Region.RAM_ABOVE_4G
                        : description.equals("device-memory") ? Region.DEVICE_MEMORY
                        : null;
                if (name != null) {
                    found.computeIfAbsent(name, key -> new ArrayList<>()).add(parsed);
                }
            });
        }
        return found;
    }

    /** A guest-RAM segment of the rendered system FlatView: where a piece of the backend "ram0" is mapped. */
    record RamSegment(long start, long endInclusive, long backendOffset) {
    }

    /**
     * The ram0 segments of the FlatView whose root is {@code system} ({@code info mtree -f}; the order of the
     * FlatViews varies between runs). Empty when there is no such FlatView. Machine types up to 3.1 name the RAM
     * block by its canonical QOM path, {@code /objects/ram0}.
     */
    static Optional<List<RamSegment>> systemRamSegments(String flat) {
        Pattern segmentOffset = Pattern.compile("^(?:/objects/)?ram0(?: @([0-9a-f]{16}))?$");
        for (String view : flat.split("FlatView #")) {
            if (!view.contains("Root memory region: system")) {
                continue;
            }
            List<RamSegment> segments = new ArrayList<>();
            for (String line : view.lines().toList()) {
                Optional<MtreeLine> parsed = MtreeLine.parse(line);
                if (parsed.isEmpty()) {
                    continue;
                }
                Matcher ram = segmentOffset.matcher(parsed.get().description());
                if (ram.matches()) {
                    long offset = ram.group(1) == null ? 0 : Long.parseUnsignedLong(ram.group(1), 16);
                    segments.add(new RamSegment(parsed.get().start(), parsed.get().endInclusive(), offset));
                }
            }
            return Optional.of(segments);
        }
        return Optional.empty();
    }
}
