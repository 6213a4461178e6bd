package dev.virtlint.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.Linter;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.XmlLoadException;

/**
 * Arbitrary bytes through the loader and the whole linter: the only acceptable failure is a load error
 * with a one-line message; any other exception is a bug. {@code JAZZER_FUZZ=1} fuzzes; otherwise the saved
 * inputs under src/test/resources/dev/virtlint/fuzz/LoaderFuzzTestInputs/ are replayed.
 */
class LoaderFuzzTest {
    private static final SafeXmlLoader LOADER = new SafeXmlLoader(64 * 1024);
    private static final Linter LINTER = new Linter(LOADER, RuleRegistry.all());

    @FuzzTest(maxDuration = "60s")
    void loadsOrSaysWhyInOneLine(byte[] input) {
        try {
            LOADER.load("fuzz.xml", input);
        } catch (XmlLoadException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void lintsOrSaysWhyInOneLine(byte[] input) {
        FileResult result = LINTER.lint("fuzz.xml", new java.io.ByteArrayInputStream(input));
        result.error().ifPresent(LoaderFuzzTest::assertOneLine);
        result.findings().forEach(finding -> assertTrue(finding.span().end() <= finding.source().text().length()));
    }

    private static void assertOneLine(XmlLoadException e) {
        assertFalse(e.oneLine().contains("\n"), e.oneLine());
        assertTrue(e.line() >= 1 && e.column() >= 1, e.oneLine());
        assertTrue(e.kind() != XmlLoadException.Kind.INTERNAL, e.oneLine());
    }
}
