package dev.virtlint.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.lint.Linter;
import dev.virtlint.rules.meta.ChecksSkipped;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.XmlLoadException;

/**
 * Without host facts (pre-commit, CI) every real GPU domain of {@code ../shared/corpus/real-world/} gets a verdict
 * on whether QEMU starts (VL101/VL102: an error, a warning naming the hosts it fails on, or silence because it
 * starts on every host) and, for a UEFI guest with GPUs, what OVMF's window can hold; neither is ever "not checked".
 */
class RealWorldVerdictsTest {
    private static final List<String> START_RULES = List.of("VL101", "VL102");

    @Test
    void everyFileGetsAVerdictWithoutHostFacts() throws IOException, XmlLoadException {
        Path corpus = ProjectPaths.corpus().map(c -> c.resolve("real-world")).orElse(null);
        Assumptions.assumeTrue(corpus != null && Files.isDirectory(corpus),
                "../shared/corpus/real-world is absent (a user's clone): real-world verdicts not checked");
        SafeXmlLoader loader = new SafeXmlLoader();
        Linter linter = new Linter(loader, RuleRegistry.all());
        List<String> problems = new ArrayList<>();
        int files = 0;
        int capacityStatements = 0;
        try (Stream<Path> list = Files.list(corpus)) {
            for (Path file : list.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                files++;
                DomainDef domain = DomainBuilder.build(loader.load(file));
                List<Finding> findings = linter.check(domain);
                for (Finding finding : findings) {
                    if (finding.rule().id().equals(ChecksSkipped.ID)) {
                        for (ChecksSkipped.Gap gap : gaps(finding)) {
                            if (gap.rules().stream().anyMatch(START_RULES::contains)) {
                                problems.add(file.getFileName() + ": " + gap.rules() + " not checked: " + gap.fact());
                            }
                        }
                    }
                    if (START_RULES.contains(finding.rule().id()) && finding.severity() != Severity.ERROR
                            && !finding.data().containsKey("failsOn")) {
                        problems.add(file.getFileName() + ": " + finding.rule().id() + " below error without the"
                                + " hosts it fails on");
                    }
                }
                if (domain.os().usesUefi() && !domain.pciHostdevs().isEmpty()) {
                    boolean capacity = findings.stream().anyMatch(f -> f.rule().id().equals("VL203")
                            && !((Map<?, ?>) f.data().get("windowBytes")).isEmpty()
                            || f.rule().id().equals("VL201") || f.rule().id().equals("VL202"));
                    if (capacity) {
                        capacityStatements++;
                    } else {
                        problems.add(file.getFileName() + ": a UEFI guest with GPUs and nothing on OVMF's window");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(files >= 30 && capacityStatements >= 30, files + " files, " + capacityStatements
                + " with a window capacity: the corpus is not the one this test was written for");
    }

    @SuppressWarnings("unchecked")
    private static List<ChecksSkipped.Gap> gaps(Finding finding) {
        return (List<ChecksSkipped.Gap>) finding.data().get(ChecksSkipped.GAPS);
    }
}
