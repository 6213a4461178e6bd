package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.virtlint.platform.AddressLayout;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.LayoutInput;
import dev.virtlint.platform.MachineCatalogue;
import dev.virtlint.platform.MachineType;
import dev.virtlint.platform.OvmfInputs;
import dev.virtlint.platform.QemuBinary;
import dev.virtlint.platform.Version;
import dev.virtlint.support.OracleStacks;

/**
 * Boots a real OVMF under QEMU 10.0 (TCG) for every {@link OvmfOracleCases} case and compares where it put each BAR
 * (64-bit ones by address, the others by whether they got an address at all) and each bridge's prefetchable window,
 * and whether it got as far as its boot manager, with {@link OvmfModel} and {@link BarPlacement} told that release
 * and fed through QEMU's own layout ({@link AddressLayout}). Runs on OVMF 2022.11 (installed), Ubuntu's 2022.02 and
 * 2024.02, Debian's 2025.02 and 2026.08 (stack cache, {@code .ci/fetch-stacks}); each release is skipped when its
 * firmware is absent.
 * {@code -Dvirtlint.oracle.full=true} boots every case; otherwise the quick subset;
 * {@code -Dvirtlint.oracle.only=REGEX} boots the cases whose name it finds a match in.
 */
@Tag("oracle")
class OvmfOracleTest {
    private static final int PARALLEL_QEMUS = 2;
    private static final long GIB = 1L << 30;
    private static final long FOUR_GIB = 4 * GIB;
    /** QEMU lists the expansion ROM as BAR 6; OVMF turns its decoding off once it has read it, so it never shows. */
    private static final int EXPANSION_ROM = 6;
    private static final String NOT_MAPPED = "not mapped";
    private static final String BELOW_4_GIB = "below 4 GiB";
    /** Boots up to 41 bits reach the boot manager in under 20 s here; a predicted stop gets six times that. */
    private static final Duration STOP_DEADLINE = Duration.ofMinutes(2);

    private record Verdict(OvmfOracleCase oracleCase, List<String> disagreements, Duration elapsed) {
    }

    @ParameterizedTest(name = "OVMF {0}")
    @ValueSource(strings = {"2022.02", "2022.11", "2024.02", "2025.02", "2026.08"})
    void placementMatchesTheRealFirmware(String release) throws Exception {
        OracleStacks.Qemu qemu = OracleStacks.assumeQemu(OracleStacks.QEMU_10_0);
        OracleStacks.Ovmf ovmf = OracleStacks.assumeOvmf(release);
        boolean full = Boolean.getBoolean("virtlint.oracle.full");
        String only = System.getProperty("virtlint.oracle.only", "");
        List<OvmfOracleCase> cases = OvmfOracleCases.all().stream()
                .filter(c -> only.isEmpty() ? full || c.quick() : Pattern.compile(only).matcher(c.name()).find())
                .toList();
        Path work = Files.createTempDirectory("virt-lint-ovmf-oracle-");
        long started = System.nanoTime();
        List<Verdict> verdicts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_QEMUS);
        try {
            List<Future<Verdict>> futures = new ArrayList<>();
            for (OvmfOracleCase oracleCase : cases) {
                futures.add(pool.submit(() -> judge(qemu, ovmf, oracleCase, work)));
            }
            for (Future<Verdict> future : futures) {
                verdicts.add(future.get());
            }
        } finally {
            pool.shutdownNow();
            try (Stream<Path> files = Files.walk(work)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("OVMF oracle on %s under %s: %d boots (%s), %d s wall, %d in parallel%n", ovmf, qemu,
                verdicts.size(),
                full ? "full" : "quick subset", wall.toSeconds(), PARALLEL_QEMUS);
        for (Verdict verdict : verdicts) {
            System.out.printf("  %4d s  %-5s %s%n", verdict.elapsed().toSeconds(),
                    verdict.disagreements().isEmpty() ? "ok" : "DIFF", verdict.oracleCase());
        }
        List<String> failures = verdicts.stream()
                .filter(verdict -> !verdict.disagreements().isEmpty())
                .map(verdict -> verdict.oracleCase() + "\n    " + String.join("\n    ", verdict.disagreements()))
                .toList();
        assertTrue(failures.isEmpty(), failures.size() + " of " + verdicts.size()
                + " boots disagree with the model:\n" + String.join("\n", failures));
    }

    static Placement predict(OvmfOracleCase oracleCase, Version qemu, OvmfRelease release) {
        MachineType machine = MachineCatalogue.resolve(OvmfOracleCase.MACHINE, QemuBinary.upstream(qemu))
                .orElseThrow();
        LayoutInput layout = LayoutInput.builder(machine, qemu)
                .ram(oracleCase.ramGib() * GIB)
                .maxMemory(oracleCase.maxMemGib() * GIB, oracleCase.maxMemGib() == 0 ? 0 : 2)
                .physBits(oracleCase.cpu().physBits())
                .amdCpu(oracleCase.cpu().vendorId().equals(FirmwareCpu.AMD))
                .build();
        AddressMap map = AddressLayout.compute(layout);
        PciMmio64Knob knob = oracleCase.knob().map(value -> PciMmio64Knob.read(value, release))
                .orElse(PciMmio64Knob.absent());
        OvmfInput input = OvmfInputs.of(release, oracleCase.cpu(), map, knob);
        return OvmfPlan.of(input, oracleCase.topology(), List.of()).place();
    }

    private static Verdict judge(OracleStacks.Qemu qemu, OracleStacks.Ovmf ovmf, OvmfOracleCase oracleCase, Path work)
            throws IOException, InterruptedException {
        Placement predicted = predict(oracleCase, qemu.version().series(), ovmf.release());
        Duration stopDeadline = predicted.outcome() == Placement.Outcome.ENUMERATION_FAILED ? STOP_DEADLINE
                : Duration.ofDays(1);
        OvmfBoot.Observation observed = OvmfBoot.boot(qemu, ovmf, oracleCase, work, stopDeadline);
        List<String> disagreements = new ArrayList<>();
        if (!observed.error().isEmpty()) {
            disagreements.add("no observation: " + observed.error());
            return new Verdict(oracleCase, disagreements, observed.elapsed());
        }
        boolean predictedBoot = predicted.outcome() != Placement.Outcome.ENUMERATION_FAILED;
        if (predictedBoot != observed.reachedBoot()) {
            disagreements.add("predicted " + predicted.outcome() + " (window " + hex(predicted.aperture().base())
                    + " +" + predicted.aperture().size() / GIB + " GiB); OVMF "
                    + (observed.reachedBoot() ? "reached its boot manager" : "stopped before its boot manager"));
        }
        InfoPci pci = InfoPci.parse(observed.infoPci());
        List<PciNode> nodes = oracleCase.topology();
        for (PciNode.Endpoint endpoint : endpoints(nodes)) {
            // A device behind a bridge the firmware never gave a bus number is missing from info pci, which walks
            // the buses by number: it has no resources either.
            boolean listed = pci.barsById().containsKey(endpoint.id());
            Map<Integer, Optional<Long>> booted = pci.barsById().getOrDefault(endpoint.id(), Map.of());
            Set<Integer> indices = new TreeSet<>(booted.keySet());
            indices.remove(EXPANSION_ROM);
            endpoint.bars().forEach(bar -> indices.add(bar.index()));
            for (int index : indices) {
                String expected = expectedBar(predicted, endpoint, index);
                String actual = !listed ? NOT_MAPPED : !booted.containsKey(index) ? "absent" : booted.get(index)
                        .map(address -> Long.compareUnsigned(address, FOUR_GIB) >= 0 ? hex(address) : BELOW_4_GIB)
                        .orElse(NOT_MAPPED);
                if (!expected.equals(actual)) {
                    disagreements.add(endpoint.id() + " BAR" + index + ": predicted " + expected + ", OVMF " + actual);
                }
            }
        }
        for (PciNode.Bridge bridge : bridges(nodes)) {
            Optional<Placement.BridgeWindow> expected = predicted.bridgeWindows().stream()
                    .filter(window -> window.bridge().id().equals(bridge.id())).findFirst();
            Optional<long[]> actual = pci.prefetchableWindowById().getOrDefault(bridge.id(), Optional.empty());
            String expectedText = expected.map(w -> hex(w.start()) + " +" + hex(w.size())).orElse("none");
            String actualText = actual.map(w -> hex(w[0]) + " +" + hex(w[1])).orElse("none");
            if (!expectedText.equals(actualText)) {
                disagreements.add(bridge.id() + " prefetchable window: predicted " + expectedText + ", OVMF "
                        + actualText);
            }
            // Each bridge's I/O window too, by address and size: which hot-pluggable ports keep their padding when
            // the I/O space runs out, and which get I/O for their devices.
            String expectedIo = predicted.io().windows().stream().filter(window -> window.bridge().id()
                    .equals(bridge.id())).findFirst().map(w -> hex(w.start()) + " +" + hex(w.size())).orElse("none");
            String actualIo = pci.ioWindowById().getOrDefault(bridge.id(), Optional.empty())
                    .map(w -> hex(w[0]) + " +" + hex(w[1])).orElse("none");
            if (!expectedIo.equals(actualIo)) {
                disagreements.add(bridge.id() + " I/O window: predicted " + expectedIo + ", OVMF " + actualIo);
            }
        }
        return new Verdict(oracleCase, disagreements, observed.elapsed());
    }

    /**
     * Where the model puts BAR {@code index} of {@code endpoint}: nowhere when the device gets no resources, in the
     * 64-bit window when it places the BAR there, else below 4 GiB (32-bit and I/O BARs, and 64-bit non-prefetchable
     * ones behind a bridge, which OVMF gives the bridge's 32-bit window).
     */
    private static String expectedBar(Placement predicted, PciNode.Endpoint endpoint, int index) {
        if (predicted.isUnassigned(endpoint)) {
            return NOT_MAPPED;
        }
        return predicted.barsOf(endpoint).stream().filter(placed -> placed.bar().index() == index).findFirst()
                .map(placed -> hex(placed.start())).orElse(BELOW_4_GIB);
    }

    /** Every bridge in the tree: root ports, switch ports, in tree order. */
    private static List<PciNode.Bridge> bridges(List<PciNode> nodes) {
        List<PciNode.Bridge> found = new ArrayList<>();
        for (PciNode node : nodes) {
            if (node instanceof PciNode.Bridge bridge) {
                found.add(bridge);
                found.addAll(bridges(bridge.children()));
            }
        }
        return found;
    }

    private static List<PciNode.Endpoint> endpoints(List<PciNode> nodes) {
        List<PciNode.Endpoint> found = new ArrayList<>();
        for (PciNode node : nodes) {
            if (node instanceof PciNode.Endpoint endpoint) {
                found.add(endpoint);
            } else if (node instanceof PciNode.Bridge bridge) {
                found.addAll(endpoints(bridge.children()));
            }
        }
        return found;
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
