package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.virtlint.platform.QemuProbe.MtreeLine;
import dev.virtlint.platform.QemuProbe.Observation;
import dev.virtlint.platform.QemuProbe.RamSegment;
import dev.virtlint.support.OracleStacks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares {@link AddressLayout}, told the QEMU release, with that real QEMU: 10.0 (installed) and 7.2 (from the stack
 * cache, {@code .ci/fetch-stacks}). For every generated configuration, the start error (exact text) or, when QEMU
 * starts, where it put RAM below and above 4 GiB, the device-memory region, the 64-bit hole, the
 * etc/reserved-memory-end file and the vCPU's vendor, long mode and phys-bits. Each release is skipped when its binary
 * is absent. {@code -Dvirtlint.oracle.full=true} runs the large set; {@code -Dvirtlint.oracle.seed=N} draws other
 * random cases.
 */
@Tag("oracle")
class QemuLayoutOracleTest {

    private static final long DEFAULT_SEED = 0x7669_7274_6c69_6e74L;
    private static final int DEFAULT_CASES = 120;
    private static final int FULL_CASES = 600;
    private static final int PARALLEL_QEMUS = 2;
    private static final long GIB = 1L << 30;
    private static final int E820_ENTRY_BYTES = 20;

    private record Verdict(OracleCase oracleCase, List<String> disagreements, Duration elapsed, boolean started,
                           String predictedOutcome) {
    }

    @ParameterizedTest(name = "QEMU {0}")
    @ValueSource(strings = {"10.0", "7.2"})
    void layoutPredictionsMatchQemu(String release) throws Exception {
        OracleStacks.Qemu qemu = OracleStacks.assumeQemu(Version.parse(release));
        boolean full = Boolean.getBoolean("virtlint.oracle.full");
        long seed = Long.getLong("virtlint.oracle.seed", DEFAULT_SEED);
        List<OracleCase> cases = OracleCases.generate(seed, full ? FULL_CASES : DEFAULT_CASES, qemu.version().series());
        Path workDirectory = Files.createTempDirectory("virt-lint-oracle-");
        long started = System.nanoTime();
        List<Verdict> verdicts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_QEMUS);
        try {
            List<Future<Verdict>> futures = new ArrayList<>();
            for (OracleCase oracleCase : cases) {
                futures.add(pool.submit(() -> judge(qemu, oracleCase, workDirectory)));
            }
            for (Future<Verdict> future : futures) {
                verdicts.add(future.get());
            }
        } finally {
            pool.shutdownNow();
            deleteRecursively(workDirectory);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        report(qemu, verdicts, wall, full, seed);

        List<String> failures = verdicts.stream()
                .filter(verdict -> !verdict.disagreements().isEmpty())
                .map(verdict -> verdict.oracleCase() + "\n    " + String.join("\n    ", verdict.disagreements()))
                .toList();
        assertTrue(failures.isEmpty(), failures.size() + " of " + verdicts.size()
                + " configurations disagree with QEMU:\n" + String.join("\n", failures));
    }

    private static Verdict judge(OracleStacks.Qemu qemu, OracleCase oracleCase, Path workDirectory)
            throws IOException, InterruptedException {
        AddressMap predicted = AddressLayout.compute(oracleCase.layoutInput());
        Observation observed = QemuProbe.run(qemu, oracleCase, workDirectory);
        List<String> disagreements = new ArrayList<>();
        if (observed.timedOut()) {
            disagreements.add("QEMU did not finish within its time limit");
        } else if (predicted.qemuWillStart()) {
            compareStartedLayout(oracleCase, predicted, observed, disagreements);
        } else {
            compareStartError(predicted, observed, disagreements);
        }
        String predictedOutcome = predicted.errors().isEmpty() ? "starts" : predicted.errors().get(0).kind().name();
        return new Verdict(oracleCase, disagreements, observed.elapsed(), observed.exitCode() == 0, predictedOutcome);
    }

    private static void compareStartError(AddressMap predicted, Observation observed, List<String> disagreements) {
        String expected = observed.program() + ": " + predicted.qemuError().orElseThrow();
        Optional<String> actual = observed.errorLine();
        if (observed.exitCode() != 1 || actual.isEmpty() || !actual.get().equals(expected)) {
            disagreements.add("start error: predicted '" + expected + "' (exit 1), QEMU exit " + observed.exitCode()
                    + " with '" + actual.orElse("no error line") + "'");
        }
    }

    private static void compareStartedLayout(OracleCase oracleCase, AddressMap predicted, Observation observed,
                                             List<String> disagreements) {
        if (observed.exitCode() != 0 || observed.errorLine().isPresent()) {
            disagreements.add("predicted that QEMU starts; it exited " + observed.exitCode() + " with '"
                    + observed.errorLine().orElse("no error line") + "'");
            return;
        }
        compareVcpu(oracleCase, observed, disagreements);
        Map<String, List<MtreeLine>> tree = QemuProbe.namedRegions(observed.text("tree").orElse(""));
        for (String name : List.of(Region.RAM_BELOW_4G, Region.RAM_ABOVE_4G, Region.DEVICE_MEMORY)) {
            compareRegion(name, predicted.region(name), tree.getOrDefault(name, List.of()), disagreements);
        }
        compareFlatView(predicted, observed, disagreements);
        compareHole64(oracleCase, predicted, observed, disagreements);
        if (observed.tracingWorks()) {
            compareFwCfgFiles(predicted, observed, disagreements);
        }
    }

    /**
     * fw_cfg files seen through the fw_cfg_add_file trace: etc/reserved-memory-end exists with device memory, and
     * etc/e820 holds one 20-byte entry per RAM range plus the AMD HT reservation when QEMU adds it.
     */
    private static void compareFwCfgFiles(AddressMap predicted, Observation observed, List<String> disagreements) {
        boolean reservedEndAdded = observed.tracedFwCfgFile("etc/reserved-memory-end");
        if (reservedEndAdded != predicted.reservedMemoryEnd().isPresent()) {
            disagreements.add("etc/reserved-memory-end: predicted " + (predicted.reservedMemoryEnd().isPresent() ? "present" : "absent")
                    + ", QEMU " + (reservedEndAdded ? "adds it" : "does not add it"));
        }
        int expectedEntries = 1 + (predicted.ramAbove4g() != 0 ? 1 : 0) + (predicted.amdHtHoleReserved() ? 1 : 0);
        String observedEntries = observed.tracedFwCfgFileSize("etc/e820")
                .stream().mapToObj(size -> String.valueOf(size / E820_ENTRY_BYTES)).findFirst().orElse("none");
        expectEqual("e820 entries (RAM ranges + AMD HT reservation " + predicted.amdHtHoleReserved() + ")",
                String.valueOf(expectedEntries), observedEntries, disagreements);
    }

    private static void compareVcpu(OracleCase oracleCase, Observation observed, List<String> disagreements) {
        String expectedVendor = oracleCase.cpu().amd() ? "AuthenticAMD" : "GenuineIntel";
        expectEqual("vCPU vendor", expectedVendor, observed.text("vendor").orElse("?"), disagreements);
        expectEqual("vCPU long mode", String.valueOf(oracleCase.cpu().longMode()), observed.text("lm").orElse("?"), disagreements);
        expectEqual("vCPU phys-bits", String.valueOf(oracleCase.physBits()), observed.text("phys-bits").orElse("?"), disagreements);
    }

    private static void compareRegion(String name, Optional<Region> predicted, List<MtreeLine> observed,
                                      List<String> disagreements) {
        String expected = predicted.map(region -> range(region.start(), region.endInclusive())).orElse("absent");
        List<String> actual = observed.stream().map(line -> range(line.start(), line.endInclusive())).distinct().toList();
        String shown = actual.isEmpty() ? "absent" : String.join(" and ", actual);
        expectEqual(name + " (info mtree)", expected, shown, disagreements);
    }

    /**
     * In the rendered system FlatView every ram0 piece below 4 GiB must be identity-mapped within ram-below-4g, and
     * every piece above must continue the backend at offset ramBelow4g from above4gStart, covering ram-above-4g.
     */
    private static void compareFlatView(AddressMap predicted, Observation observed, List<String> disagreements) {
        Optional<List<RamSegment>> segments = QemuProbe.systemRamSegments(observed.text("flat").orElse(""));
        if (segments.isEmpty()) {
            disagreements.add("info mtree -f: no FlatView with root 'system'");
            return;
        }
        long below = predicted.ramBelow4g();
        long above = predicted.ramAbove4g();
        long highStart = predicted.above4gStart();
        long aboveMapped = 0;
        boolean mapsAddressZero = false;
        for (RamSegment segment : segments.get()) {
            long length = segment.endInclusive() - segment.start() + 1;
            if (Long.compareUnsigned(segment.start(), AddressLayout.FOUR_GIB) < 0) {
                mapsAddressZero |= segment.start() == 0;
                if (segment.backendOffset() != segment.start() || Long.compareUnsigned(segment.endInclusive(), below - 1) > 0) {
                    disagreements.add("info mtree -f: low RAM piece " + segmentText(segment) + " outside ram-below-4g "
                            + range(0, below - 1));
                }
            } else {
                long expectedOffset = below + (segment.start() - highStart);
                boolean inside = Long.compareUnsigned(segment.start(), highStart) >= 0
                        && Long.compareUnsigned(segment.endInclusive(), highStart + above - 1) <= 0;
                if (!inside || segment.backendOffset() != expectedOffset) {
                    disagreements.add("info mtree -f: high RAM piece " + segmentText(segment) + ", predicted ram-above-4g "
                            + range(highStart, highStart + above - 1) + " from backend offset 0x" + Long.toHexString(below));
                }
                aboveMapped += length;
            }
        }
        if (!mapsAddressZero) {
            disagreements.add("info mtree -f: no guest RAM at address 0");
        }
        if (aboveMapped != above) {
            disagreements.add("info mtree -f: 0x" + Long.toHexString(aboveMapped) + " bytes of RAM mapped above 4 GiB,"
                    + " predicted 0x" + Long.toHexString(above));
        }
    }

    /**
     * The host bridge's pci-hole64-start/-end QOM properties report {@code pc_pci_hole64_start()} and
     * ROUND_UP(start + size, 1 GiB) while no 64-bit BAR is assigned (-S: firmware has not run). Machine types up to
     * 2.10 set x-pci-hole64-fix=off and report 0, so they are not compared.
     */
    private static void compareHole64(OracleCase oracleCase, AddressMap predicted, Observation observed,
                                      List<String> disagreements) {
        if (oracleCase.machineType().baseVersion().orElseThrow().compareTo(Version.of(2, 11)) < 0) {
            return;
        }
        long start = predicted.pciHole64Start();
        long reportedEnd = (start + predicted.pciHole64Size() + GIB - 1) & -GIB;
        expectEqual("pci-hole64-start", Long.toUnsignedString(start), observed.text("hole64-start").orElse("?"), disagreements);
        expectEqual("pci-hole64-end", Long.toUnsignedString(reportedEnd), observed.text("hole64-end").orElse("?"), disagreements);
    }

    private static void expectEqual(String what, String predicted, String observed, List<String> disagreements) {
        if (!predicted.equals(observed)) {
            disagreements.add(what + ": predicted " + predicted + ", QEMU " + observed);
        }
    }

    private static String range(long start, long endInclusive) {
        return String.format("0x%x-0x%x", start, endInclusive);
    }

    private static String segmentText(RamSegment segment) {
        return range(segment.start(), segment.endInclusive()) + " @0x" + Long.toHexString(segment.backendOffset());
    }

    private static void report(OracleStacks.Qemu qemu, List<Verdict> verdicts, Duration wall, boolean full, long seed) {
        long started = verdicts.stream().filter(Verdict::started).count();
        long disagreeing = verdicts.stream().filter(verdict -> !verdict.disagreements().isEmpty()).count();
        Duration total = verdicts.stream().map(Verdict::elapsed).reduce(Duration.ZERO, Duration::plus);
        Verdict slowest = verdicts.stream().max(Comparator.comparing(Verdict::elapsed)).orElseThrow();
        System.out.printf("QEMU layout oracle on %s (%s set, seed 0x%x): %d configurations, %d started, %d refused, %d disagreements;"
                        + " wall %.1f s with %d parallel QEMUs, per configuration mean %d ms, slowest %d ms %s%n",
                qemu.version(), full ? "full" : "default", seed, verdicts.size(), started, verdicts.size() - started, disagreeing,
                wall.toMillis() / 1000.0, PARALLEL_QEMUS, total.toMillis() / verdicts.size(), slowest.elapsed().toMillis(),
                slowest.oracleCase());
        System.out.println("  predicted outcomes: " + verdicts.stream()
                .collect(Collectors.groupingBy(Verdict::predictedOutcome, TreeMap::new, Collectors.counting())));
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
