package dev.virtlint.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.virtlint.fix.FixApplier;
import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.Accel;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.FixProperties;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * Properties of the fixer over generated domains: fixing twice equals fixing once; the fixed text parses;
 * no finding with an applicable fix survives (the fixes converge and remove what they target); and each
 * pass changes only the ranges its edits name, leaving every other character as it was.
 */
class FixPropertyFuzzTest {
    private static final Linter LINTER = new Linter(new SafeXmlLoader(), RuleRegistry.all(),
            new LintEnvironment(new TargetStack(TargetStack.defaults().qemuVersion(), Optional.empty(),
                    TargetStack.defaults().libvirt(), TargetStack.DEFAULT_OVMF, Optional.of(Accel.TCG)),
                    dev.virtlint.platform.HostCpu.unknown(), Optional.empty()));

    @FuzzTest(maxDuration = "60s")
    void fixesAreMinimalIdempotentAndConverge(FuzzedDataProvider data) {
        String xml = FuzzDomains.domain(data);
        FileResult first = LINTER.lint("fuzz.xml", new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        if (first.error().isPresent()) {
            assertTrue(first.error().get().kind() != dev.virtlint.xml.XmlLoadException.Kind.INTERNAL,
                    first.error().get().oneLine() + "\n" + xml);
            return;
        }
        boolean unsafe = data.consumeBoolean();
        FixApplier applier = new FixApplier(LINTER, unsafe);
        FixApplier.Outcome once = applier.apply(first.source().orElseThrow(), first);
        assertTrue(once.converged(), "fixes did not converge: " + once.unconvergedRules() + "\n" + xml);
        assertTrue(once.result().error().isEmpty(), () -> "fixed text does not parse: "
                + once.result().error().get().oneLine() + "\n" + once.text().text());
        for (Finding left : once.result().findings()) {
            boolean applicable = left.fix().isPresent()
                    && (unsafe || left.fix().get().safety() == dev.virtlint.rules.Fix.Safety.SAFE);
            assertTrue(!applicable, "a fixable finding survived: " + left.rule().id() + " " + left.message());
        }
        FixApplier.Outcome twice = applier.apply(once.text(), once.result());
        assertEquals(once.text().text(), twice.text().text(), "fixing the fixed text changed it");
        FixProperties.assertOnlyEditedRangesChanged(xml, once);
    }
}
