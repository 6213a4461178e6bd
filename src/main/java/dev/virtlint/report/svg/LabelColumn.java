package dev.virtlint.report.svg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Vertical positions for the texts of one column: each wants its centre at a given y and takes a given
 * height; {@link #place()} keeps the wanted y where the texts do not overlap and otherwise moves the lower
 * one down just far enough, in order from the top of the picture.
 */
final class LabelColumn {
    private static final int SPACING = 2;

    private record Label(int wantedCentre, int height) {
        int above() {
            return height / 2;
        }

        int below() {
            return height - height / 2;
        }
    }

    private final List<Label> labels = new ArrayList<>();
    private int[] placed = new int[0];

    /** Adds a text; returns its index for {@link #placed} and {@link #moved}. */
    int add(int wantedCentre, int height) {
        labels.add(new Label(wantedCentre, height));
        return labels.size() - 1;
    }

    /** Places every text, none reaching above {@code minTop} (the title's lines are there). */
    void place(int minTop) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> labels.get(i).wantedCentre()));
        placed = new int[labels.size()];
        int previousBottom = minTop - SPACING;
        for (int i : order) {
            Label label = labels.get(i);
            int lowestFree = previousBottom + SPACING + label.above();
            placed[i] = Math.max(label.wantedCentre(), lowestFree);
            previousBottom = placed[i] + label.below();
        }
    }

    int wanted(int label) {
        return labels.get(label).wantedCentre();
    }

    int placed(int label) {
        return placed[label];
    }

    int height(int label) {
        return labels.get(label).height();
    }

    boolean moved(int label) {
        return placed[label] != wanted(label);
    }

    /** The lowest y any text reaches. */
    int bottom() {
        int bottom = Integer.MIN_VALUE;
        for (int i = 0; i < labels.size(); i++) {
            bottom = Math.max(bottom, placed[i] + labels.get(i).below());
        }
        return bottom;
    }
}
