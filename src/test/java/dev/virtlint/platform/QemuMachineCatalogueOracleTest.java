package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.virtlint.platform.QemuProbe.Observation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.virtlint.support.OracleStacks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link MachineCatalogue} with the installed QEMU 10.0: the machine list with its deprecation marks and
 * aliases, and the vIOMMU aw-bits default of every registered pc and q35 type. Skipped unless QEMU 10.0 is installed.
 */
@Tag("oracle")
class QemuMachineCatalogueOracleTest {

    private static final QemuBinary QEMU_10_0 = QemuBinary.upstream(OracleStacks.QEMU_10_0);
    private static final Pattern HELP_LINE = Pattern.compile("^(\\S+)\\s+(.*)$");
    private static final Pattern ALIAS_OF = Pattern.compile("\\(alias of ([^)]+)\\)");

    private record ListedMachine(String name, String description) {
        boolean deprecated() {
            return description.endsWith("(deprecated)");
        }

        Optional<String> aliasTarget() {
            Matcher matcher = ALIAS_OF.matcher(description);
            return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
        }

        Optional<MachineFamily> family() {
            if (description.startsWith("Standard PC (Q35 + ICH9")) {
                return Optional.of(MachineFamily.Q35);
            }
            if (description.startsWith("Standard PC (i440FX + PIIX")) {
                return Optional.of(MachineFamily.I440FX);
            }
            return Optional.empty();
        }
    }

    @BeforeEach
    void requireQemu100() {
        Optional<Version> installed = QemuProbe.installedVersion();
        assumeTrue(installed.isPresent(),
                "skipped: " + QemuProbe.QEMU + " is not on the PATH; the oracle test needs QEMU 10.0");
        assumeTrue(installed.get().series().equals(OracleStacks.QEMU_10_0),
                "skipped: the oracle test needs QEMU 10.0, found " + installed.get());
    }

    @Test
    void machineListMatchesTheBinary() throws Exception {
        List<String> disagreements = new ArrayList<>();
        for (ListedMachine listed : machineHelp()) {
            Registration expected = listed.deprecated() ? Registration.DEPRECATED : Registration.CURRENT;
            Registration recorded = MachineCatalogue.registration(listed.name(), QEMU_10_0);
            if (recorded != expected) {
                disagreements.add(listed.name() + ": QEMU lists it as " + expected + ", the catalogue says " + recorded);
            }
            Optional<MachineType> resolved = MachineCatalogue.resolve(listed.name(), QEMU_10_0);
            if (resolved.isEmpty()) {
                disagreements.add(listed.name() + ": the catalogue cannot resolve it");
                continue;
            }
            MachineFamily family = listed.family().orElse(MachineFamily.OTHER);
            if (resolved.get().family() != family) {
                disagreements.add(listed.name() + ": QEMU describes a " + family + " machine, the catalogue says "
                        + resolved.get().family());
            }
            String concrete = listed.aliasTarget().orElse(listed.name());
            if (!resolved.get().concreteName().equals(concrete) || resolved.get().alias() != listed.aliasTarget().isPresent()) {
                disagreements.add(listed.name() + ": QEMU instantiates " + concrete + ", the catalogue resolves "
                        + resolved.get().concreteName() + (resolved.get().alias() ? " as an alias" : ""));
            }
        }
        assertTrue(disagreements.isEmpty(), String.join("\n", disagreements));
    }

    @Test
    void iommuAwBitsDefaultsMatchTheBinary() throws Exception {
        List<MachineType> pcTypes = new ArrayList<>();
        for (ListedMachine listed : machineHelp()) {
            if (listed.family().isPresent() && listed.aliasTarget().isEmpty()) {
                pcTypes.add(MachineCatalogue.parse(listed.name()).orElseThrow());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Optional<String>>> checks = new ArrayList<>();
        try {
            for (MachineType type : pcTypes) {
                if (type.family() == MachineFamily.Q35) {
                    checks.add(pool.submit(() -> compareAwBits(type, "intel-iommu",
                            type.intelIommuDefaultAwBits(OracleStacks.QEMU_10_0))));
                }
                checks.add(pool.submit(() -> compareAwBits(type, "virtio-iommu-pci",
                        type.virtioIommuDefaultAwBits(OracleStacks.QEMU_10_0))));
            }
            List<String> disagreements = new ArrayList<>();
            for (Future<Optional<String>> check : checks) {
                check.get().ifPresent(disagreements::add);
            }
            assertTrue(disagreements.isEmpty(), String.join("\n", disagreements));
        } finally {
            pool.shutdownNow();
        }
    }

    private static Optional<String> compareAwBits(MachineType type, String device, OptionalInt predicted)
            throws IOException, InterruptedException {
        Observation observed = QemuProbe.start(
                List.of(QemuProbe.QEMU, "-S", "-accel", "tcg", "-nodefaults", "-no-user-config", "-display", "none",
                        "-qmp", "stdio", "-machine", type.concreteName(), "-device", device + ",id=viommu"),
                List.of(QemuProbe.qomGet("aw-bits", "/machine/peripheral/viommu", "aw-bits")));
        String actual = observed.text("aw-bits").orElse("no value (" + observed.errorLine().orElse("no error") + ")");
        String expected = predicted.isPresent() ? String.valueOf(predicted.getAsInt()) : "unknown";
        return expected.equals(actual)
                ? Optional.empty()
                : Optional.of(type.concreteName() + " " + device + " aw-bits: predicted " + expected + ", QEMU " + actual);
    }

    private static List<ListedMachine> machineHelp() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(QemuProbe.QEMU, "-machine", "help").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "qemu-system-x86_64 -machine help did not finish");
        List<ListedMachine> machines = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher matcher = HELP_LINE.matcher(line);
            if (!line.startsWith("Supported machines") && matcher.matches()) {
                machines.add(new ListedMachine(matcher.group(1), matcher.group(2).strip()));
            }
        }
        assertTrue(machines.size() > 10, "unexpected -machine help output:\n" + output);
        return machines;
    }
}
