package dev.virtlint.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.OvmfReleaseSpan;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.firmware.OvmfEvidence;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.Span;

/**
 * Where nothing names the host's OVMF, the linter runs only the firmware rules once per span of releases and every
 * other rule once. That is right only while no other rule reads the release: checked here on every fixture and on
 * the real-world corpus where it is present, each linted with each span's build named.
 */
class OvmfReleaseSpansTest {
    private static final LintEnvironment NO_HOST_FACTS = LintEnvironment.defaults();

    private static List<Path> domains() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(ProjectPaths.testdata().resolve("rules"))) {
            walk.filter(f -> f.toString().endsWith(".xml")).sorted().forEach(files::add);
        }
        Optional<Path> realWorld = ProjectPaths.corpus().map(corpus -> corpus.resolve("real-world"));
        if (realWorld.isPresent() && Files.isDirectory(realWorld.get())) {
            try (Stream<Path> list = Files.list(realWorld.get())) {
                list.filter(f -> f.toString().endsWith(".xml")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    /** What a finding says and offers, without the release a firmware finding names in its data. */
    private static String outcome(Finding finding) {
        return finding.rule().id() + " " + finding.span() + " " + finding.severity() + " " + finding.message() + " "
                + finding.data() + " " + finding.fix();
    }

    /**
     * Each file on an AMD host with 48 bits and an Intel one with 39, known so that the hosts checked are the same
     * under every release (which host widths a run without host facts checks depends on whether some release reads
     * the width, and the linter takes the union of them where the release is unknown).
     */
    @Test
    void onlyTheFirmwareRulesConcludeDifferentlyUnderEachSpan() throws IOException {
        int checked = 0;
        for (Path file : domains()) {
            for (HostCpu host : List.of(new HostCpu(Optional.of("AuthenticAMD"), OptionalInt.of(48)),
                    new HostCpu(Optional.of("GenuineIntel"), OptionalInt.of(39)))) {
                assertSameOutsideFirmware(file, host);
                checked++;
            }
        }
        assertTrue(checked > 200, "files checked: " + checked / 2);
    }

    private static void assertSameOutsideFirmware(Path file, HostCpu host) {
        List<String> first = null;
        for (OvmfReleaseSpan span : OvmfReleaseSpan.WHEN_UNNAMED) {
            Linter linter = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                    NO_HOST_FACTS.withHostCpu(host).withOvmf(span.modelledAs().parseableText()));
            List<String> others = linter.lint(file, false).findings().stream()
                    .filter(finding -> finding.rule().family() != Family.FIRMWARE).map(OvmfReleaseSpansTest::outcome)
                    .toList();
            if (first == null) {
                first = others;
            } else {
                assertEquals(first, others, file + " on " + host + " under OVMF " + span.label() + ": a rule outside"
                        + " the firmware family reads the release, so the linter must run it once per span");
            }
        }
    }

    @Test
    void anUnnamedReleaseGivesTheOtherRulesFindingsOnceAndTheFirmwareFindingsPerSpan() throws IOException {
        Path gpu = ProjectPaths.testdata().resolve("example-win11.xml");
        List<Finding> unnamed = new Linter(new SafeXmlLoader(), RuleRegistry.all(), NO_HOST_FACTS.withOvmfAssumed())
                .lint(gpu, true).findings();
        // The newest release reads the host's width (GuestPhysBits), so it checks the hosts the unnamed run checks.
        List<Finding> named = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                NO_HOST_FACTS.withOvmf(OvmfRelease.NEWEST_MODELLED.parseableText())).lint(gpu, true).findings();
        assertEquals(named.stream().filter(f -> f.rule().family() != Family.FIRMWARE).map(OvmfReleaseSpansTest::outcome)
                .toList(), unnamed.stream().filter(f -> f.rule().family() != Family.FIRMWARE)
                .map(OvmfReleaseSpansTest::outcome).toList());
        for (Finding finding : unnamed) {
            if (finding.rule().family() == Family.FIRMWARE) {
                assertFalse(finding.data().containsKey(OvmfEvidence.RELEASE), finding.toString());
                assertFalse(finding.message().matches(".*OVMF 20\\d\\d\\.\\d\\d (will|gives|puts|places|trusts).*"),
                        "a span's finding does not name the build it was checked as: " + finding.message());
            }
        }
    }

    /** A VL201 finding as a run under {@code span} gives it, naming the build the span was checked as. */
    private static Finding firmwareFinding(OvmfReleaseSpan span, String said) {
        String release = span.modelledAs().toString();
        return new Finding(RuleRegistry.find("VL201").orElseThrow().meta(), Severity.ERROR,
                new SourceText("gpu.xml", "<domain/>", StandardCharsets.UTF_8, false), new Span(0, 9),
                "OVMF " + release + " " + said, Map.of(OvmfEvidence.RELEASE, release,
                OvmfEvidence.VERIFIED_BY_BOOT, span.verifiedByBoot(), OvmfEvidence.EVIDENCE, "as the release says"),
                Optional.empty());
    }

    @Test
    void aFindingOnlyUnderSpansNoBootCheckedIsInformation() {
        List<OvmfReleaseSpan> spans = OvmfReleaseSpan.WHEN_UNNAMED;
        List<NamedVerdicts.Run> runs = new ArrayList<>();
        for (OvmfReleaseSpan span : spans) {
            runs.add(new NamedVerdicts.Run(span.label(), span.verifiedByBoot() ? List.of()
                    : List.of(firmwareFinding(span, "will stop before it boots anything"))));
        }
        Finding verdict = NamedVerdicts.combine(NamedVerdicts.Kind.OVMF_RELEASES, runs).get(0);
        assertEquals(Severity.INFO, verdict.severity(), verdict.toString());
        assertFalse((Boolean) verdict.data().get(OvmfEvidence.VERIFIED_BY_BOOT));
        assertTrue(verdict.message().startsWith("With OVMF 2023.02 to 2025.02 and 2026.02 except Ubuntu 24.04's 2024.02"
                + " and Debian 13's 2025.02: "), verdict.message());
        assertTrue(verdict.message().contains(": OVMF will stop before it boots anything"), verdict.message());
    }

    @Test
    void aFindingUnderSomeSpansABootCheckedIsAtMostAWarning() {
        List<NamedVerdicts.Run> runs = new ArrayList<>();
        for (OvmfReleaseSpan span : OvmfReleaseSpan.WHEN_UNNAMED) {
            runs.add(new NamedVerdicts.Run(span.label(), span.modelledAs().toString().equals("2022.11")
                    ? List.of(firmwareFinding(span, "will stop")) : List.of()));
        }
        Finding verdict = NamedVerdicts.combine(NamedVerdicts.Kind.OVMF_RELEASES, runs).get(0);
        assertEquals(Severity.WARNING, verdict.severity());
        assertEquals("With OVMF 2022.11: OVMF will stop. This run does not know the host's OVMF release: give"
                + " --ovmf-version, 'ovmf-version' in .virt-lint.yaml, or --host-root", verdict.message());
        assertTrue((Boolean) verdict.data().get(OvmfEvidence.VERIFIED_BY_BOOT));
    }
}
