package dev.virtlint.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Levenshtein distance, for "did you mean" suggestions on names a user mistyped. */
public final class EditDistance {
    private EditDistance() {
    }

    /** The fewest single-character insertions, deletions and substitutions that turn {@code a} into {@code b}. */
    public static int between(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** True when {@code distance} edits are few enough for {@code typed} to be a slip rather than another word. */
    public static boolean isCloseEnough(String typed, int distance) {
        return distance <= Math.max(2, typed.length() / 3);
    }

    /**
     * The candidates closest to {@code typed}, ignoring case, when close enough to be what was meant; several when
     * they tie, none when every candidate is too far.
     */
    public static List<String> closest(String typed, Collection<String> candidates) {
        String wanted = typed.toLowerCase(Locale.ROOT);
        int best = Integer.MAX_VALUE;
        List<String> closest = new ArrayList<>();
        for (String candidate : candidates) {
            int distance = between(wanted, candidate.toLowerCase(Locale.ROOT));
            if (distance < best) {
                best = distance;
                closest.clear();
            }
            if (distance == best) {
                closest.add(candidate);
            }
        }
        return isCloseEnough(typed, best) ? closest : List.of();
    }
}
