package dev.virtlint.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.virtlint.fix.FixApplier;
import dev.virtlint.xml.TextEdit;

/** Checks shared by the fuzz, fixture and corpus tests of the fixer. */
public final class FixProperties {
    private FixProperties() {
    }

    /**
     * Replays the passes of a fix: what lies between a pass's edits must be carried over unchanged, and the
     * passes together must produce exactly the fixed text.
     */
    public static void assertOnlyEditedRangesChanged(String original, FixApplier.Outcome outcome) {
        String text = original;
        for (List<TextEdit> pass : outcome.editsPerPass()) {
            List<TextEdit> ordered = new ArrayList<>(pass);
            ordered.sort(Comparator.comparingInt(TextEdit::start));
            String next = FixApplier.splice(text, pass);
            int from = 0;
            int shift = 0;
            for (TextEdit edit : ordered) {
                assertEquals(text.substring(from, edit.start()), next.substring(from + shift, edit.start() + shift),
                        "text outside the edits changed");
                shift += edit.replacement().length() - (edit.end() - edit.start());
                from = edit.end();
            }
            assertEquals(text.substring(from), next.substring(from + shift), "text after the last edit changed");
            text = next;
        }
        assertEquals(outcome.text().text(), text, "the passes do not add up to the fixed text");
    }
}
