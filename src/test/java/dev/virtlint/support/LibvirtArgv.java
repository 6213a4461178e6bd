package dev.virtlint.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The QEMU command line libvirt generates ({@code virsh domxml-to-native}), made runnable on a build machine. */
public final class LibvirtArgv {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LibvirtArgv() {
    }

    /** libvirt's argv for a domain file, as words; the caller checks {@link RealStack#assumeLibvirt()} first. */
    public static RealStack.Result nativeArgv(Path domain) throws IOException, InterruptedException {
        return RealStack.run(List.of("virsh", "-c", "qemu:///system", "domxml-to-native", "qemu-argv",
                domain.toString()), 60);
    }

    /** libvirt's argv for a domain given as text (written into {@code dir}); the test fails if libvirt refuses it. */
    public static String acceptedArgv(Path dir, String xml) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "domain", ".xml");
        Files.writeString(file, xml);
        RealStack.Result result = nativeArgv(file);
        assertEquals(0, result.exitCode(), "libvirt refused:\n" + xml + "\n" + result.output());
        return result.output();
    }

    /**
     * libvirt's argv, runnable outside libvirt: environment assignments, the master-key secret, the
     * monitor socket, the sandbox and the timestamped messages go (they serve a libvirt-managed QEMU), QMP
     * goes on stdio, and each RAM backend becomes a sparse shared file of the same size in {@code scratch}.
     */
    public static List<String> runnable(String commandLine, Path scratch) throws IOException {
        List<String> words = RealStack.shellWords(commandLine);
        int binary = 0;
        while (!words.get(binary).endsWith("qemu-system-x86_64")) {
            binary++;
        }
        List<String> argv = new ArrayList<>(List.of(words.get(binary)));
        for (int i = binary + 1; i < words.size(); i++) {
            String option = words.get(i);
            String value = i + 1 < words.size() ? words.get(i + 1) : "";
            switch (option) {
                case "-chardev", "-mon", "-sandbox", "-msg" -> i++;
                case "-object" -> {
                    i++;
                    if (value.contains("\"qom-type\":\"secret\"")) {
                        continue;
                    }
                    argv.add(option);
                    argv.add(value.contains("\"qom-type\":\"memory-backend-ram\"") ? sparseBackend(value, scratch)
                            : value);
                }
                default -> argv.add(option);
            }
        }
        argv.addAll(List.of("-qmp", "stdio"));
        return argv;
    }

    private static String sparseBackend(String json, Path scratch) throws IOException {
        ObjectNode backend = (ObjectNode) JSON.readTree(json);
        Path file = Files.createTempFile(scratch, "ram-", ".img");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(backend.get("size").asLong());
        }
        backend.put("qom-type", "memory-backend-file");
        backend.put("mem-path", file.toString());
        backend.put("share", true);
        return JSON.writeValueAsString(backend);
    }

    /** Starts a runnable argv paused and quits it over QMP: the exit status and QEMU's standard error. */
    public static RealStack.Result startPaused(List<String> runnable) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(runnable).start();
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        CompletableFuture.runAsync(() -> {
            try {
                process.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // QEMU exiting closes its standard output; nothing to read then.
            }
        });
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException exitedEarly) {
            // QEMU refused the configuration before reading QMP; its standard error says why.
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new RealStack.Result(-1, "timed out");
        }
        return new RealStack.Result(process.exitValue(), new String(stderr.join(), StandardCharsets.UTF_8));
    }
}
