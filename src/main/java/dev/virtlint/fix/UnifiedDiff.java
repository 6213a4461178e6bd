package dev.virtlint.fix;

import java.util.Arrays;
import java.util.List;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

/** A unified diff between the original and the fixed text, as {@code diff -u} and {@code git apply} read it. */
public final class UnifiedDiff {
    private static final int CONTEXT_LINES = 3;

    private UnifiedDiff() {
    }

    public static String of(String name, String original, String fixed) {
        List<String> before = lines(original);
        List<String> after = lines(fixed);
        Patch<String> patch = DiffUtils.diff(before, after);
        if (patch.getDeltas().isEmpty()) {
            return "";
        }
        String path = name.startsWith("/") ? name.substring(1) : name;
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("a/" + path, "b/" + path, before, patch,
                CONTEXT_LINES);
        return String.join("\n", diff) + "\n";
    }

    /** Lines without their terminators; CR stays visible so a CRLF change shows as a change. */
    private static List<String> lines(String text) {
        return Arrays.asList(text.split("\n", -1));
    }
}
