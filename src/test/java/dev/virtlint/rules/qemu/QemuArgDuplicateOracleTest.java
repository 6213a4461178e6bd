package dev.virtlint.rules.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.support.RealStack;

/**
 * What VL506 says the guest gets from repeated -acpitable and -smbios arguments, checked in the memory of a QEMU 10.0
 * guest: SeaBIOS copies the ACPI tables and SMBIOS structures QEMU hands it into guest RAM, where each marker string
 * is counted once the firmware has published its RSDP.
 */
@Tag("oracle")
class QemuArgDuplicateOracleTest {
    private static final byte[] RSDP = "RSD PTR ".getBytes(StandardCharsets.US_ASCII);
    private static final String TABLE_ID = "VLTABLE0";

    private Path directory;

    @BeforeEach
    void createDirectory() throws IOException {
        directory = Files.createTempDirectory("virt-lint-vl506-");
    }

    @AfterEach
    void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void aRepeatedAcpitableReachesTheGuestTwice() throws Exception {
        RealStack.assumeQemu();
        Path table = directory.resolve("ssdt.bin");
        Files.write(table, emptySsdt());
        assertEquals(List.of(1), markers(List.of("-acpitable", "file=" + table), List.of(TABLE_ID)));
        assertEquals(List.of(2), markers(List.of("-acpitable", "file=" + table, "-acpitable", "file=" + table),
                List.of(TABLE_ID)));
    }

    @Test
    void smbiosTypeOneFieldsTakeTheLaterValueAndOemStringsRepeat() throws Exception {
        RealStack.assumeQemu();
        assertEquals(List.of(1, 0, 1, 2), markers(List.of("-smbios", "type=1,manufacturer=VLMANUF,serial=VLSERIALA",
                "-smbios", "type=1,serial=VLSERIALB", "-smbios", "type=11,value=VLOEMSTRING",
                "-smbios", "type=11,value=VLOEMSTRING"), List.of("VLMANUF", "VLSERIALA", "VLSERIALB", "VLOEMSTRING")));
    }

    /** An SSDT with no definitions and a valid checksum: a table QEMU accepts, marked by its OEM table ID. */
    private static byte[] emptySsdt() {
        ByteBuffer table = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        table.put("SSDT".getBytes(StandardCharsets.US_ASCII)).putInt(36).put((byte) 2).put((byte) 0)
                .put("VLTEST".getBytes(StandardCharsets.US_ASCII)).put(TABLE_ID.getBytes(StandardCharsets.US_ASCII))
                .putInt(1).put("VLNT".getBytes(StandardCharsets.US_ASCII)).putInt(1);
        byte[] bytes = table.array();
        int sum = 0;
        for (byte b : bytes) {
            sum += b;
        }
        bytes[9] = (byte) -sum;
        return bytes;
    }

    /**
     * How often each marker occurs in the guest's first 128 MiB once SeaBIOS has published its RSDP and two dumps a
     * second apart agree: SeaBIOS's own code holds the RSDP signature too, so the RSDP alone does not say the tables
     * are in place.
     */
    private List<Integer> markers(List<String> extra, List<String> markers) throws Exception {
        Path dump = directory.resolve("memory.bin");
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "q35,accel=tcg", "-m", "128",
                "-nodefaults", "-display", "none", "-monitor", "stdio"));
        command.addAll(extra);
        Process qemu = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream monitor = qemu.getOutputStream()) {
            List<Integer> previous = List.of();
            for (int attempt = 0; attempt < 60; attempt++) {
                Thread.sleep(1000);
                Files.deleteIfExists(dump);
                monitor.write(("pmemsave 0 0x8000000 \"" + dump + "\"\n").getBytes(StandardCharsets.UTF_8));
                monitor.flush();
                byte[] memory = waitForDump(dump);
                List<Integer> counts = markers.stream().map(marker -> count(memory, marker)).toList();
                if (count(memory, RSDP) > 0 && counts.equals(previous)) {
                    monitor.write("quit\n".getBytes(StandardCharsets.UTF_8));
                    monitor.flush();
                    return counts;
                }
                previous = counts;
            }
            throw new AssertionError("SeaBIOS published no RSDP within a minute: " + command);
        } finally {
            if (!qemu.waitFor(30, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
            }
        }
    }

    private static byte[] waitForDump(Path dump) throws Exception {
        for (int wait = 0; wait < 100; wait++) {
            if (Files.exists(dump) && Files.size(dump) == 0x8000000L) {
                return Files.readAllBytes(dump);
            }
            Thread.sleep(100);
        }
        return new byte[0];
    }

    private static int count(byte[] memory, String marker) {
        return count(memory, marker.getBytes(StandardCharsets.US_ASCII));
    }

    private static int count(byte[] memory, byte[] marker) {
        int found = 0;
        outer:
        for (int i = 0; i + marker.length <= memory.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (memory[i + j] != marker[j]) {
                    continue outer;
                }
            }
            found++;
        }
        return found;
    }
}
