package dev.virtlint.firmware;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.support.OracleStacks;

/**
 * Boots one OVMF build under one QEMU for one {@link OvmfOracleCase} and reads {@code info pci} once the firmware is done with PCI: when its
 * boot manager announces itself on the serial port ("BdsDxe: …", long after enumeration), or when the vCPU sits
 * halted at one instruction, which is how OVMF 2022.11 ends when its PCI resource allocation fails. A window beyond
 * the firmware's address width leaves it busy forever without either; for cases the model expects to stop, the boot
 * is given {@code stopDeadline}, several times what a boot of that width takes.
 */
final class OvmfBoot {
    private static final Duration LIMIT = Duration.ofMinutes(12);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final int HALTED_POLLS = 8;
    private static final Pattern RIP = Pattern.compile("RIP=([0-9a-f]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one boot showed.
     *
     * @param infoPci      the last {@code info pci} output
     * @param reachedBoot  the boot manager started: PCI enumeration finished
     * @param halted       the vCPU stopped for good before the boot manager (false also when it was still busy at
     *                     the deadline without reaching the boot manager)
     * @param error        why the boot could not be judged (QEMU exited, the limit passed), empty when it could
     */
    record Observation(String infoPci, boolean reachedBoot, boolean halted, String error, Duration elapsed) {
    }

    private OvmfBoot() {
    }

    static Observation boot(OracleStacks.Qemu qemu, OracleStacks.Ovmf ovmf, OvmfOracleCase oracleCase,
                            Path workDirectory, Duration stopDeadline) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory(workDirectory, "boot-");
        try {
            Path code = directory.resolve("OVMF_CODE.fd");
            Path vars = directory.resolve("OVMF_VARS.fd");
            Files.copy(ovmf.code(), code);
            Files.copy(ovmf.vars(), vars);
            Path serial = directory.resolve("serial.txt");
            for (Map.Entry<String, Long> backing : oracleCase.files().entrySet()) {
                try (RandomAccessFile file = new RandomAccessFile(directory.resolve(backing.getKey()).toFile(), "rw")) {
                    file.setLength(backing.getValue());
                }
            }
            return run(qemu.processBuilder(oracleCase.arguments(code, vars, serial, directory)), serial, stopDeadline);
        } finally {
            deleteTree(directory);
        }
    }

    /** Scratch files can be gone already (a cleaned /tmp); the result of the boot is what matters. */
    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (java.nio.file.NoSuchFileException alreadyGone) {
            // Removed while we walked it: nothing left to clean.
        }
    }

    /** Boots any QEMU whose command line puts QMP on stdio and the serial port into {@code serial}. */
    static Observation run(ProcessBuilder qemu, Path serial, Duration stopDeadline)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process process = qemu.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException closed) {
                // QEMU exited; the caller sees it through the process status.
            }
        });
        try (OutputStream monitor = process.getOutputStream()) {
            Monitor qmp = new Monitor(monitor, lines);
            qmp.execute("{\"execute\":\"qmp_capabilities\"}");
            String lastRip = "";
            int haltedPolls = 0;
            String infoPci = "";
            while (true) {
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (!process.isAlive()) {
                    return new Observation(infoPci, false, false, "QEMU exited with " + process.exitValue(), elapsed);
                }
                if (elapsed.compareTo(stopDeadline) > 0) {
                    return new Observation(infoPci, false, false, "", elapsed);
                }
                if (elapsed.compareTo(LIMIT) > 0) {
                    return new Observation(infoPci, false, false, "no result within " + LIMIT.toMinutes() + " min",
                            elapsed);
                }
                boolean reachedBoot = Files.exists(serial) && Files.readString(serial, StandardCharsets.ISO_8859_1)
                        .contains("BdsDxe");
                infoPci = qmp.hmp("info pci");
                if (reachedBoot) {
                    return new Observation(infoPci, true, false, "", elapsed);
                }
                String registers = qmp.hmp("info registers");
                Matcher rip = RIP.matcher(registers);
                boolean halted = registers.contains("HLT=1") && rip.find();
                if (halted && rip.group(1).equals(lastRip)) {
                    haltedPolls++;
                } else {
                    haltedPolls = 0;
                }
                lastRip = halted ? rip.group(1) : "";
                if (haltedPolls >= HALTED_POLLS) {
                    return new Observation(infoPci, false, true, "", elapsed);
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (IOException monitorGone) {
            return new Observation("", false, false, "the monitor failed: " + monitorGone.getMessage()
                    + (process.isAlive() ? "" : " (QEMU exited with " + process.exitValue() + ")"),
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** QMP on QEMU's stdio: one command at a time, events skipped. */
    private record Monitor(OutputStream out, BlockingQueue<String> lines) {
        JsonNode execute(String command) throws IOException, InterruptedException {
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IOException("QMP did not answer " + command);
                }
                JsonNode message = JSON.readTree(line);
                if (message.has("return") || message.has("error")) {
                    return message;
                }
            }
        }

        String hmp(String commandLine) throws IOException, InterruptedException {
            JsonNode reply = execute("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\""
                    + commandLine + "\"}}");
            return reply.path("return").asText("");
        }
    }
}
