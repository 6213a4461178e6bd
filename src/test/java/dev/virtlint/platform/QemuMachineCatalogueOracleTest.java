package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.MissingNode;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares {@link MachineCatalogue} with each QEMU it records a machine list for, 10.0 (installed) and 7.2 (stack
 * cache): the machine list with its deprecation marks and aliases, and the vIOMMU aw-bits default of every registered
 * pc and q35 type; and on 10.0 the age rule's deletion, which the lists of 10.1 and later are derived from. Each
 * release is skipped when its binary is absent.
 */
@Tag("oracle")
class QemuMachineCatalogueOracleTest {

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

    @ParameterizedTest(name = "QEMU {0}")
    @ValueSource(strings = {"10.0", "7.2"})
    void machineListMatchesTheBinary(String release) throws Exception {
        OracleStacks.Qemu qemu = OracleStacks.assumeQemu(Version.parse(release));
        QemuBinary binary = QemuBinary.upstream(qemu.version().series());
        List<String> disagreements = new ArrayList<>();
        for (ListedMachine listed : machineHelp(qemu)) {
            Registration expected = listed.deprecated() ? Registration.DEPRECATED : Registration.CURRENT;
            Registration recorded = MachineCatalogue.registration(listed.name(), binary);
            if (recorded != expected) {
                disagreements.add(listed.name() + ": QEMU lists it as " + expected + ", the catalogue says " + recorded);
            }
            Optional<MachineType> resolved = MachineCatalogue.resolve(listed.name(), binary);
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

    /**
     * The lists of 10.1 and later follow from QEMU's age rule, which deletes from 10.1 on. 10.0 has the same deletion
     * code but runs it only with QEMU_DELETE_MACHINES set: with it, 10.0.2 must drop exactly the types the rule says
     * are 6 years old for a 10.0 (everything up to 4.0 and pc-q35-4.0.1) and keep the rest with their marks.
     */
    @Test
    void theAgeRulesDeletionIsWhat100DoesWhenAskedTo() throws Exception {
        OracleStacks.Qemu qemu = OracleStacks.assumeQemu(Version.of(10, 0));
        Version release = qemu.version().series();
        List<String> kept = machineHelp(qemu, true).stream().map(ListedMachine::name).toList();
        List<String> disagreements = new ArrayList<>();
        int deleted = 0;
        for (ListedMachine listed : machineHelp(qemu, false)) {
            if (listed.family().isEmpty() || listed.aliasTarget().isPresent()) {
                continue;
            }
            Version base = MachineCatalogue.parse(listed.name()).orElseThrow().baseVersion().orElseThrow();
            boolean ruleDeletes = MachineCatalogue.olderByAtLeast(release, base, 6);
            deleted += ruleDeletes ? 1 : 0;
            if (ruleDeletes == kept.contains(listed.name())) {
                disagreements.add(listed.name() + ": the rule " + (ruleDeletes ? "deletes" : "keeps") + " it, QEMU "
                        + (kept.contains(listed.name()) ? "keeps" : "deletes") + " it with QEMU_DELETE_MACHINES");
            }
        }
        assertTrue(disagreements.isEmpty(), String.join("\n", disagreements));
        assertEquals(25, deleted, "2.4 ... 4.0 of both families (12 each) and pc-q35-4.0.1");
    }

    @ParameterizedTest(name = "QEMU {0}")
    @ValueSource(strings = {"10.0", "7.2"})
    void iommuAwBitsDefaultsMatchTheBinary(String release) throws Exception {
        OracleStacks.Qemu qemu = OracleStacks.assumeQemu(Version.parse(release));
        Version series = qemu.version().series();
        List<MachineType> pcTypes = new ArrayList<>();
        for (ListedMachine listed : machineHelp(qemu)) {
            if (listed.family().isPresent() && listed.aliasTarget().isEmpty()) {
                pcTypes.add(MachineCatalogue.parse(listed.name()).orElseThrow());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Optional<String>>> checks = new ArrayList<>();
        try {
            for (MachineType type : pcTypes) {
                if (type.family() == MachineFamily.Q35) {
                    checks.add(pool.submit(() -> compareAwBits(qemu, type, "intel-iommu",
                            type.intelIommuDefaultAwBits(series))));
                }
                checks.add(pool.submit(() -> compareAwBits(qemu, type, "virtio-iommu-pci",
                        type.virtioIommuDefaultAwBits(series))));
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

    private static Optional<String> compareAwBits(OracleStacks.Qemu qemu, MachineType type, String device,
                                                  OptionalInt predicted) throws IOException, InterruptedException {
        Observation observed = QemuProbe.start(
                qemu.processBuilder(List.of("-S", "-accel", "tcg", "-nodefaults", "-no-user-config", "-display", "none",
                        "-qmp", "stdio", "-machine", type.concreteName(), "-device", device + ",id=viommu")),
                List.of(QemuProbe.qomGet("aw-bits", "/machine/peripheral/viommu", "aw-bits")));
        if (observed.responses().getOrDefault("aw-bits", MissingNode.getInstance()).path("desc").asText()
                .startsWith("Property '")) {
            // QEMU before 9.0 has no aw-bits on virtio-iommu (its input range is fixed): nothing to read back.
            return Optional.empty();
        }
        String actual = observed.text("aw-bits").orElse("no value (" + observed.errorLine().orElse("no error") + ")");
        String expected = predicted.isPresent() ? String.valueOf(predicted.getAsInt()) : "unknown";
        return expected.equals(actual)
                ? Optional.empty()
                : Optional.of(type.concreteName() + " " + device + " aw-bits: predicted " + expected + ", QEMU " + actual);
    }

    private static List<ListedMachine> machineHelp(OracleStacks.Qemu qemu) throws IOException, InterruptedException {
        return machineHelp(qemu, false);
    }

    private static List<ListedMachine> machineHelp(OracleStacks.Qemu qemu, boolean deleteMachines)
            throws IOException, InterruptedException {
        ProcessBuilder builder = qemu.processBuilder(List.of("-machine", "help")).redirectErrorStream(true);
        if (deleteMachines) {
            builder.environment().put("QEMU_DELETE_MACHINES", "1");
        } else {
            builder.environment().remove("QEMU_DELETE_MACHINES");
        }
        Process process = builder.start();
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
