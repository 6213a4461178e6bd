package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.virtlint.platform.AddressLayout;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.LayoutInput;
import dev.virtlint.platform.MachineCatalogue;
import dev.virtlint.platform.MachineType;
import dev.virtlint.platform.OvmfInputs;
import dev.virtlint.platform.QemuBinary;
import dev.virtlint.support.OracleStacks;

/**
 * When OVMF moves its window out of AMD's HyperTransport hole, booted: OVMF 2023.02 and later move the dynamic window
 * below an e820 entry only, and QEMU 10.0 adds that entry for an AMD vCPU with 40 phys-bits on pc-q35-7.1 but not on
 * pc-q35-7.0 (whose compat options clear {@code enforce_amd_1tb_hole}); a classic window is never moved. Each boot is
 * an EPYC vCPU at 40 bits with one 1 GiB BAR on {@code pcie.0}, which OVMF puts at its window's base, on each
 * booted release that has the move (Ubuntu's 2024.02, Debian's 2025.02 and 2026.08; 2022.11 never moves it, which
 * {@link OvmfOracleTest} shows, and Ubuntu's 2022.02 has no dynamic window to move). The model must predict the
 * address the case names, and the firmware must agree.
 */
@Tag("oracle")
class AmdHtReservationOvmfOracleTest {
    private static final long GIB = 1L << 30;
    private static final int SLOT = 0x10;
    private static final FirmwareCpu EPYC_40 = new FirmwareCpu(FirmwareCpu.AMD, 40, true, 0);
    private static final Pattern DEVICE = Pattern.compile("(?m)^\\s*Bus\\s+\\d+, device\\s+\\d+, function \\d+:");
    private static final Pattern BAR2 = Pattern.compile(
            "BAR2: 64 bit prefetchable memory (?:at 0x([0-9a-f]+)|\\(not mapped\\))");

    @TempDir
    Path scratch;

    /**
     * @param machine  the machine type, which decides whether QEMU adds the e820 entry
     * @param knob     X-PciMmio64Mb, for a classic window
     * @param expected where the BAR (the window's base) lands
     */
    private record Case(String name, String machine, Optional<String> knob, long expected) {
    }

    private static final List<Case> CASES = List.of(
            new Case("pc-q35-7.1: QEMU reserves the hole, the 128 GiB dynamic window moves below it", "pc-q35-7.1",
                    Optional.empty(), 0xc0_0000_0000L),
            new Case("pc-q35-7.0: no e820 entry, the dynamic window stays at 896 GiB-1 TiB, in the hole", "pc-q35-7.0",
                    Optional.empty(), 0xe0_0000_0000L),
            new Case("pc-q35-7.1, X-PciMmio64Mb=524288: the classic window at 512 GiB-1 TiB covers the hole and stays"
                    + " (moved, it would start at 0)", "pc-q35-7.1", Optional.of("524288"), 0x80_0000_0000L));

    @ParameterizedTest(name = "OVMF {0}")
    @ValueSource(strings = {"2024.02", "2025.02", "2026.08"})
    void theWindowMovesOutOfTheHoleOnlyBelowQemusReservation(String release) throws Exception {
        OracleStacks.Qemu qemu = OracleStacks.assumeQemu(OracleStacks.QEMU_10_0);
        OracleStacks.Ovmf ovmf = OracleStacks.assumeOvmf(release);
        assertTrue(ovmf.release().movesWindowBelowReservations(), ovmf + " predates the move");
        List<String> disagreements = new ArrayList<>();
        for (Case oracleCase : CASES) {
            long predicted = predict(oracleCase, qemu, ovmf.release());
            if (predicted != oracleCase.expected()) {
                disagreements.add(oracleCase.name() + ": the model puts the BAR at " + hex(predicted));
            }
            OvmfBoot.Observation observed = boot(oracleCase, qemu, ovmf);
            Optional<Long> bar = observed.error().isEmpty() ? bar2(observed.infoPci(), "dev0") : Optional.empty();
            System.out.printf("%s, %s: BAR 2 at %s in %d s%n", ovmf, oracleCase.name(),
                    bar.map(AmdHtReservationOvmfOracleTest::hex).orElse("none " + observed.error()),
                    observed.elapsed().toSeconds());
            if (!observed.reachedBoot() || !bar.equals(Optional.of(predicted))) {
                disagreements.add(oracleCase.name() + ": predicted " + hex(predicted) + ", OVMF "
                        + bar.map(AmdHtReservationOvmfOracleTest::hex).orElse("not mapped")
                        + (observed.reachedBoot() ? "" : " and no boot manager " + observed.error()));
            }
        }
        assertEquals(List.of(), disagreements);
    }

    private static long predict(Case oracleCase, OracleStacks.Qemu qemu, OvmfRelease release) {
        MachineType machine = MachineCatalogue.resolve(oracleCase.machine(),
                QemuBinary.upstream(qemu.version().series())).orElseThrow();
        AddressMap map = AddressLayout.compute(LayoutInput.builder(machine, qemu.version().series()).ram(2 * GIB)
                .physBits(EPYC_40.physBits()).amdCpu(true).build());
        PciMmio64Knob knob = oracleCase.knob().map(value -> PciMmio64Knob.read(value, release))
                .orElse(PciMmio64Knob.absent());
        PciNode.Endpoint device = PciNode.Endpoint.emulated("dev0", SLOT, 0, List.of(Bar.prefetchable64(2, GIB)));
        Placement placement = OvmfPlan.of(OvmfInputs.of(release, EPYC_40, map, knob), List.of(device), List.of())
                .place();
        return placement.barsOf(device).get(0).start();
    }

    private OvmfBoot.Observation boot(Case oracleCase, OracleStacks.Qemu qemu, OracleStacks.Ovmf ovmf)
            throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory(scratch, "boot-");
        Path code = Files.copy(ovmf.code(), directory.resolve("OVMF_CODE.fd"));
        Path vars = Files.copy(ovmf.vars(), directory.resolve("OVMF_VARS.fd"));
        Path serial = directory.resolve("serial.txt");
        Path bar = directory.resolve("bar0");
        try (RandomAccessFile file = new RandomAccessFile(bar.toFile(), "rw")) {
            file.setLength(GIB);
        }
        List<String> arguments = new ArrayList<>(List.of("-machine", oracleCase.machine() + ",accel=tcg",
                "-cpu", "EPYC,phys-bits=40,pdpe1gb=on,vendor=" + FirmwareCpu.AMD, "-m", "2G",
                "-nodefaults", "-no-user-config", "-display", "none",
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + code,
                "-drive", "if=pflash,format=raw,unit=1,file=" + vars,
                "-serial", "file:" + serial, "-qmp", "stdio",
                "-object", "memory-backend-file,id=mem0,share=on,mem-path=" + bar + ",size=" + GIB,
                "-device", "ivshmem-plain,id=dev0,memdev=mem0,bus=pcie.0,addr=0x" + Integer.toHexString(SLOT)));
        oracleCase.knob().ifPresent(value -> arguments.addAll(List.of("-fw_cfg",
                "name=" + PciMmio64Knob.FW_CFG_NAME + ",string=" + value)));
        return OvmfBoot.run(qemu.processBuilder(arguments), serial, Duration.ofDays(1));
    }

    /** BAR 2 of the device with QEMU id {@code id} in {@code info pci}: its block ends with the id line. */
    private static Optional<Long> bar2(String infoPci, String id) {
        for (String block : DEVICE.split(infoPci)) {
            Matcher bar = BAR2.matcher(block);
            if (block.contains("id \"" + id + "\"") && bar.find()) {
                return Optional.ofNullable(bar.group(1)).map(address -> Long.parseUnsignedLong(address, 16));
            }
        }
        return Optional.empty();
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
