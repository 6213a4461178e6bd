package dev.virtlint.rules.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.lint.Linter;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * The VL7xx rules against libvirt 11.3 + QEMU 10.0: every fixture is defined with {@code virsh define} and, when
 * that succeeds, started with {@code virsh start}. A VL7xx finding must quote exactly what libvirt then says, at
 * the step the rule's doc names (define for the validation checks, start for VL707), and a fixture without a
 * finding must define and start. This machine has no KVM, so a KVM fixture runs as a TCG copy with QEMU's
 * {@code maximum} CPU for the host's (TCG has none): none of the checks but VL707's looks at the accelerator or the
 * CPU mode, and VL707's KVM fixtures cannot run here. Nor has it hugetlbfs, so a start that gets as far as looking
 * for hugepages has passed every check these rules mirror.
 */
@Tag("oracle")
class LibvirtStartChecksOracleTest {
    private static final String VIRSH_URI = "qemu:///system";
    private static final Pattern QUOTED_LIBVIRT_MESSAGE = Pattern.compile("\"([^\"]+)\"");
    private static final String START_ONLY_RULE = "VL707";
    /** What libvirt says when it prepares hugepages on a host without hugetlbfs, after all validation. */
    private static final String NO_HUGETLBFS = "hugetlbfs filesystem is not mounted";

    @TempDir
    Path dir;

    private record Outcome(String step, String output) {
        boolean refused() {
            return !step.equals("started") && !(step.equals("start") && output.contains(NO_HUGETLBFS));
        }
    }

    @Test
    void eachRuleQuotesWhatLibvirtSaysAtTheStepItNames() throws Exception {
        RealStack.assumeGuestsCanStart();
        RealStack.assumeQemu();
        List<String> disagreements = new ArrayList<>();
        Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all());
        for (String rule : List.of("VL701", "VL702", "VL703", "VL704", "VL705", "VL706", "VL707")) {
            try (Stream<Path> fixtures = Files.list(ProjectPaths.testdata().resolve("rules/" + rule))) {
                for (Path fixture : fixtures.filter(file -> !file.toString().endsWith(".fixed.xml")).sorted().toList()) {
                    String xml = Files.readString(fixture);
                    if (rule.equals(START_ONLY_RULE) && xml.contains("type='kvm'")) {
                        continue;
                    }
                    Optional<Finding> finding = linter.lint(fixture, true).findings().stream()
                            .filter(found -> found.rule().id().equals(rule)).findFirst();
                    Outcome outcome = defineAndStart(rule.equals(START_ONLY_RULE) ? xml : xml
                            .replace("<domain type='kvm'>", "<domain type='qemu'>")
                            .replace("mode='host-passthrough'", "mode='maximum'"));
                    String label = rule + "/" + fixture.getFileName() + ": ";
                    if (finding.isEmpty()) {
                        if (outcome.refused()) {
                            disagreements.add(label + "no finding, but libvirt refused at " + outcome.step() + ": "
                                    + outcome.output());
                        }
                        continue;
                    }
                    String expectedStep = rule.equals(START_ONLY_RULE) ? "start" : "define";
                    Matcher quoted = QUOTED_LIBVIRT_MESSAGE.matcher(finding.get().message());
                    String quote = quoted.find() ? quoted.group(1) : "(no quoted message)";
                    if (!outcome.step().equals(expectedStep) || !outcome.output().contains(quote)) {
                        disagreements.add(label + "the finding quotes '" + quote + "' at " + expectedStep
                                + ", libvirt " + (outcome.refused() ? "refused at " + outcome.step() + ": "
                                + outcome.output() : "defined and started it"));
                    }
                }
            }
        }
        assertEquals(List.of(), disagreements);
    }

    /** Defines, starts, then destroys and undefines the domain, whatever happened; says where it stopped. */
    private Outcome defineAndStart(String xml) throws Exception {
        String name = xml.replaceAll("(?s).*<name>([^<]+)</name>.*", "$1");
        Path file = dir.resolve(name + ".xml");
        Files.writeString(file, xml);
        RealStack.Result define = RealStack.run(List.of("virsh", "-c", VIRSH_URI, "define", file.toString()), 60);
        if (define.exitCode() != 0) {
            return new Outcome("define", define.output().strip());
        }
        try {
            RealStack.Result start = RealStack.run(List.of("virsh", "-c", VIRSH_URI, "start", name), 120);
            if (start.exitCode() != 0) {
                return new Outcome("start", start.output().strip());
            }
            RealStack.run(List.of("virsh", "-c", VIRSH_URI, "destroy", name), 60);
            return new Outcome("started", "");
        } finally {
            RealStack.run(List.of("virsh", "-c", VIRSH_URI, "undefine", "--nvram", name), 60);
        }
    }
}
